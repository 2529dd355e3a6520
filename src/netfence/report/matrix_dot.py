"""``analyze --format dot``: Graphviz, namespaces as clusters, workloads as nodes."""

from __future__ import annotations

import json

from netfence.engine.analysis import Analysis
from netfence.report.matrix_layout import edges, workloads
from netfence.sanitize import clean


def _quote(text: str) -> str:
    return json.dumps(clean(text))


def render_matrix_dot(analysis: Analysis) -> str:
    """A digraph whose edges are the allowed flows, labelled with their ports."""
    lines = ["digraph connectivity {", "  rankdir=LR;", "  node [shape=box, style=rounded];"]
    endpoints = analysis.endpoints
    by_namespace: dict[str, list[str]] = {}
    for workload in workloads(endpoints):
        by_namespace.setdefault(workload.namespace, []).append(
            f"    {_quote(workload.id)} [label={_quote(workload.name)}];"
        )
    for index, (namespace, nodes) in enumerate(sorted(by_namespace.items())):
        lines.append(f"  subgraph cluster_{index} {{")
        lines.append(f"    label={_quote(namespace)};")
        lines += nodes
        lines.append("  }")
    if analysis.externals:
        lines.append("  subgraph cluster_external {")
        lines.append('    label="external";')
        lines += [
            f"    {_quote(x.id)} [label={_quote(x.name)}, shape=ellipse];"
            for x in analysis.externals
        ]
        lines.append("  }")
    lines += [
        f"  {_quote(e.source)} -> {_quote(e.target)} [label={_quote(e.label)}];"
        for e in edges(analysis)
    ]
    lines.append("}")
    return "\n".join(lines) + "\n"
