"""The data an HTML report embeds: summary, graph, findings and policies, as plain JSON.

Every connection comes from the engine (``Engine.connections``); this module only arranges it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import yaml

from netfence.diff.compare import Progress
from netfence.engine import Engine, ExternalRange, IPSet, Node
from netfence.lint.finding import Finding
from netfence.load import Document
from netfence.model import Endpoint
from netfence.problems import Source
from netfence.report.diff_lines import ports_label
from netfence.vocabulary import VERSION


def where(source: Source | None) -> str:
    """``file:line`` (just the file when the line is unknown)."""
    if source is None:
        return ""
    return f"{source.file}:{source.line}" if source.line > 0 else source.file


def endpoint_node(engine: Engine, endpoint: Endpoint) -> dict[str, Any]:
    return {
        "id": endpoint.id,
        "label": endpoint.name,
        "namespace": endpoint.namespace,
        "kind": endpoint.kind,
        "labels": endpoint.label_map,
        "ips": [str(ip) for ip in endpoint.ips],
        "ingress_isolated": bool(engine.selecting(endpoint, "ingress")),
        "egress_isolated": bool(engine.selecting(endpoint, "egress")),
        "external": False,
    }


def external_label(external: ExternalRange, width: int = 24) -> str:
    """A label short enough to draw: the range's name, or its outline and a count of holes."""
    if len(external.name) <= width:
        return external.name
    text = IPSet.of(external.cidrs).description()
    if len(text) <= width:
        return text
    outer, _, holes = text.partition(" except ")
    if holes and ";" not in text:
        count = holes.count(",") + 1
        return f"{outer} minus {count} range{'s' if count > 1 else ''}"
    return f"{external.cidrs[0]} +{len(external.cidrs) - 1} more"


def external_node(external: ExternalRange) -> dict[str, Any]:
    return {
        "id": external.id,
        "label": external_label(external),
        "name": external.name,
        "namespace": None,
        "kind": "External",
        "cidrs": [str(c) for c in external.cidrs],
        "external": True,
    }


def flows(engine: Engine, progress: Progress | None = None) -> list[dict[str, Any]]:
    """Every allowed flow between distinct nodes (external to external never is)."""
    nodes: list[Node] = [*engine.endpoints, *engine.externals]
    edges = []
    for done, src in enumerate(nodes, 1):
        for dst in nodes:
            if src is dst or (isinstance(src, ExternalRange) and isinstance(dst, ExternalRange)):
                continue
            label = ports_label(engine.connections(src, dst))
            if label:
                edges.append({"source": src.id, "target": dst.id, "ports": label})
        if progress is not None:
            progress(done, len(nodes))
    return edges


def isolation_counts(nodes: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    """Endpoints isolated both ways, one way only, or not at all."""
    ways = Counter(
        int(bool(n["ingress_isolated"])) + int(bool(n["egress_isolated"]))
        for n in nodes
        if not n["external"]
    )
    return {"isolated": ways[2], "partly_isolated": ways[1], "unprotected": ways[0]}


def finding_record(finding: Finding) -> dict[str, str]:
    return {
        "rule": finding.rule,
        "severity": finding.severity,
        "message": finding.message,
        "object": finding.obj,
        "where": where(finding.source),
        "hint": finding.hint,
    }


def policy_records(documents: Iterable[Document]) -> list[dict[str, str]]:
    """The NetworkPolicy manifests as YAML text, with where each came from."""
    return [
        {
            "id": f"{doc.namespace}/{doc.name}",
            "namespace": doc.namespace,
            "where": where(doc.source),
            "yaml": yaml.safe_dump(doc.data, sort_keys=False, default_flow_style=False),
        }
        for doc in documents
        if doc.kind == "NetworkPolicy"
    ]


def report_data(
    engine: Engine,
    findings: Sequence[Finding],
    documents: Sequence[Document],
    inputs: str,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Everything the page shows, ready for ``json.dumps``."""
    cluster = engine.cluster
    edges = flows(engine, progress)
    linked = {e["source"] for e in edges} | {e["target"] for e in edges}
    externals = [external_node(x) for x in engine.externals if x.id in linked]
    endpoints = [endpoint_node(engine, e) for e in engine.endpoints]
    severities = Counter(f.severity for f in findings)
    return {
        "meta": {
            "inputs": inputs,
            "version": VERSION,
            "ipblock_pods": engine.options.ipblock_pods,
        },
        "summary": {
            "namespaces": len(cluster.namespaces),
            "endpoints": len(endpoints),
            "policies": len(cluster.policies),
            "flows": len(edges),
            "externals": len(externals),
            "externals_unreached": len(engine.externals) - len(externals),
            **isolation_counts(endpoints),
            "findings": {s: severities[s] for s in ("error", "warning", "info")},
        },
        "namespaces": [
            {
                "name": n.name,
                "labels": n.label_map,
                "policies": sum(p.namespace == n.name for p in cluster.policies),
            }
            for n in cluster.namespaces
        ],
        "nodes": endpoints + externals,
        "edges": edges,
        "findings": [finding_record(f) for f in sorted(findings, key=Finding.sort_key)],
        "policies": policy_records(documents),
    }
