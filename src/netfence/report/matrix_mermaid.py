"""``analyze --format mermaid``: a flowchart, namespaces as subgraphs, workloads (replicas
merged) as nodes, one edge per pair with its ports, fan-outs to a namespace as one edge."""

from __future__ import annotations

from netfence.engine.analysis import Analysis
from netfence.report.matrix_layout import ANYWHERE, EXTERNAL_GROUP, grouped_edges, workloads
from netfence.sanitize import clean


def _text(label: str) -> str:
    return clean(label).replace('"', "#quot;")


def render_matrix_mermaid(analysis: Analysis) -> str:
    """``flowchart LR`` whose edges are the allowed flows, labelled with their ports."""
    lines = ["flowchart LR"]
    by_namespace: dict[str, list[str]] = {}
    keys: dict[str, str] = {}
    for workload in workloads(analysis.endpoints):
        key = keys.setdefault(workload.id, f"n{len(keys)}")
        by_namespace.setdefault(workload.namespace, []).append(
            f'    {key}["{_text(workload.name)}"]'
        )
    groups: dict[str, str] = {}
    for index, (namespace, nodes) in enumerate(sorted(by_namespace.items())):
        groups[namespace] = f"ns_{index}"
        lines.append(f'  subgraph ns_{index}["{_text(namespace)}"]')
        lines += nodes
        lines.append("  end")
    if analysis.externals:
        groups[EXTERNAL_GROUP] = "external"
        lines.append('  subgraph external["external"]')
        for x in analysis.externals:
            key = keys.setdefault(x.id, f"n{len(keys)}")
            lines.append(f'    {key}(["{_text(x.name)}"])')
        lines.append("  end")
    found = grouped_edges(analysis)
    if any(ANYWHERE in (e.source, e.target) for e in found):
        groups[ANYWHERE] = ANYWHERE
        lines.append(f'  {ANYWHERE}{{{{"anywhere (every node)"}}}}')
    for e in found:
        source = groups[e.source] if e.source_is_group else keys[e.source]
        target = groups[e.target] if e.target_is_group else keys[e.target]
        lines.append(f'  {source} -->|"{_text(e.label)}"| {target}')
    return "\n".join(lines) + "\n"
