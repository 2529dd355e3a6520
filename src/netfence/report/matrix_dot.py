"""``analyze --format dot``: Graphviz, namespaces as clusters, workloads (replicas merged) as
nodes, one edge per pair with its ports; fan-outs to a whole namespace are one edge to it, and
to (from) every node one edge to (from) ``anywhere``."""

from __future__ import annotations

import json

from netfence.engine.analysis import Analysis
from netfence.report.matrix_layout import ANYWHERE, EXTERNAL_GROUP, grouped_edges, workloads
from netfence.sanitize import clean


def _quote(text: str) -> str:
    return json.dumps(clean(text))


def render_matrix_dot(analysis: Analysis) -> str:
    """A digraph whose edges are the allowed flows, labelled with their ports."""
    lines = [
        "digraph connectivity {",
        "  rankdir=LR; compound=true; newrank=true;",
        "  node [shape=box, style=rounded, fontname=Helvetica];",
        "  edge [fontname=Helvetica, fontsize=10];",
    ]
    by_namespace: dict[str, list[str]] = {}
    for workload in workloads(analysis.endpoints):
        by_namespace.setdefault(workload.namespace, []).append(workload.id)
    names = {w.id: w.name for w in workloads(analysis.endpoints)}
    clusters: dict[str, tuple[str, str]] = {}  # group -> (cluster name, a member node)
    for index, (namespace, nodes) in enumerate(sorted(by_namespace.items())):
        clusters[namespace] = (f"cluster_{index}", nodes[0])
        lines.append(f"  subgraph cluster_{index} {{")
        lines.append(f"    label={_quote(namespace)};")
        lines += [f"    {_quote(n)} [label={_quote(names[n])}];" for n in nodes]
        lines.append("  }")
    if analysis.externals:
        clusters[EXTERNAL_GROUP] = ("cluster_external", analysis.externals[0].id)
        lines.append("  subgraph cluster_external {")
        lines.append('    label="external";')
        lines += [
            f"    {_quote(x.id)} [label={_quote(x.name)}, shape=ellipse];"
            for x in analysis.externals
        ]
        lines.append("  }")
    found = grouped_edges(analysis)
    if any(ANYWHERE in (e.source, e.target) for e in found):
        clusters[ANYWHERE] = ("", ANYWHERE)
        lines.append(f'  {_quote(ANYWHERE)} [label="anywhere (every node)", shape=doubleoctagon];')
    for e in found:
        source = clusters[e.source][1] if e.source_is_group else e.source
        target = clusters[e.target][1] if e.target_is_group else e.target
        attributes = [f"label={_quote(e.label)}"]
        if e.source_is_group and clusters[e.source][0]:
            attributes.append(f"ltail={clusters[e.source][0]}")
        if e.target_is_group and clusters[e.target][0]:
            attributes.append(f"lhead={clusters[e.target][0]}")
        lines.append(f"  {_quote(source)} -> {_quote(target)} [{', '.join(attributes)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"
