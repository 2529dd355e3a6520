"""``analyze --format mermaid``: a flowchart, namespaces as subgraphs, workloads as nodes."""

from __future__ import annotations

from netfence.engine.analysis import Analysis
from netfence.report.matrix_layout import edges, workloads
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
    for index, (namespace, nodes) in enumerate(sorted(by_namespace.items())):
        lines.append(f'  subgraph ns_{index}["{_text(namespace)}"]')
        lines += nodes
        lines.append("  end")
    if analysis.externals:
        lines.append('  subgraph external["external"]')
        for x in analysis.externals:
            key = keys.setdefault(x.id, f"n{len(keys)}")
            lines.append(f'    {key}(["{_text(x.name)}"])')
        lines.append("  end")
    lines += [
        f'  {keys[e.source]} -->|"{_text(e.label)}"| {keys[e.target]}' for e in edges(analysis)
    ]
    return "\n".join(lines) + "\n"
