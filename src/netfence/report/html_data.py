"""The data an HTML report embeds: summary, graph, findings and policies, as plain JSON.

Every connection comes from the engine (``Engine.connections``); this module only arranges it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any

import yaml

from netfence.diff.compare import Progress
from netfence.engine import Engine, ExternalRange, IPSet, Node, PortSet
from netfence.engine.isolation import isolation
from netfence.engine.origins import REST
from netfence.lint.finding import Finding
from netfence.load import Document
from netfence.load.calico_kinds import CALICO_POLICY_KINDS, is_calico
from netfence.load.kinds import is_kubernetes_policy, is_network_policy
from netfence.model import Endpoint, Protocol
from netfence.model.tiers_build import TIER_KINDS
from netfence.problems import Source
from netfence.report.diff_lines import ports_label
from netfence.report.html_groups import Choice, aggregation_note, drawn_level, grouped_graph
from netfence.report.not_evaluated import not_evaluated_json
from netfence.vocabulary import VERSION


def where(source: Source | None) -> str:
    """``file:line`` (just the file when the line is unknown)."""
    if source is None:
        return ""
    return f"{source.file}:{source.line}" if source.line > 0 else source.file


def endpoint_node(
    endpoint: Endpoint, isolated: tuple[bool, bool], helper: bool = False
) -> dict[str, Any]:
    """An endpoint as the page draws it; ``isolated``: for ingress, for egress."""
    return {
        "id": endpoint.id,
        "label": endpoint.name,
        "namespace": endpoint.namespace,
        "kind": endpoint.kind,
        "labels": endpoint.label_map,
        "ips": [str(ip) for ip in endpoint.ips],
        "ingress_isolated": isolated[0],
        "egress_isolated": isolated[1],
        "external": False,
        "stand_in": helper,
    }


def external_label(external: ExternalRange, width: int = 24) -> str:
    """A label short enough to draw: the policy whose ipBlock made the range, else the
    range's name, or its outline and a count of holes."""
    policies, _, _ = external.origin.partition(": ")
    if policies and external.origin != policies and len(policies) <= width:
        return f"{policies} (IPv{external.version})"
    if external.origin.endswith(REST):
        return f"other IPv{external.version} addresses"
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
        "origin": external.origin,
        "name": external.name,
        "namespace": None,
        "kind": "External",
        "cidrs": [str(c) for c in external.cidrs],
        "external": True,
    }


def edge_tier(
    engine: Engine, src: Node, dst: Node, connections: Mapping[Protocol, PortSet]
) -> str | None:
    """The tier (Admin or Baseline) deciding the lowest allowed port of an edge, if one does."""
    for protocol, ports in connections.items():
        for low, _ in ports:
            return engine.verdict(src, dst, low, protocol).tier
    return None


def flows(engine: Engine, progress: Progress | None = None) -> list[dict[str, Any]]:
    """Every allowed flow between distinct nodes (external to external never is)."""
    nodes: list[Node] = [*engine.endpoints, *engine.externals]
    tiered = bool(engine.cluster.tier_policies)
    edges = []
    for done, src in enumerate(nodes, 1):
        for dst in nodes:
            if src is dst or (isinstance(src, ExternalRange) and isinstance(dst, ExternalRange)):
                continue
            connections = engine.connections(src, dst)
            label = ports_label(connections)
            if label:
                edge = {"source": src.id, "target": dst.id, "ports": label}
                tier = edge_tier(engine, src, dst, connections) if tiered else None
                if tier is not None:
                    edge["tier"] = tier
                edges.append(edge)
        if progress is not None:
            progress(done, len(nodes))
    return edges


def isolation_counts(nodes: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    """Endpoints isolated both ways, one way only, or not at all (netfence's own stand-ins,
    such as a blueprint's stranger test-pod, are not counted)."""
    ways = Counter(
        int(bool(n["ingress_isolated"])) + int(bool(n["egress_isolated"]))
        for n in nodes
        if not n["external"] and not n.get("stand_in")
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


def _tier_label(doc: Document) -> str:
    """``Admin tier, priority 5: AdminNetworkPolicy/name``."""
    spec = doc.data.get("spec") if isinstance(doc.data.get("spec"), dict) else {}
    tier = spec.get("tier") or ("Admin" if doc.kind == "AdminNetworkPolicy" else "Baseline")
    priority = f", priority {spec['priority']}" if "priority" in spec else ""
    return f"{tier} tier{priority}: {doc.kind}/{doc.name}"


def _calico_label(doc: Document) -> str:
    """``Calico tier platform, order 100: GlobalNetworkPolicy/platform.deny``."""
    spec = doc.data.get("spec") if isinstance(doc.data.get("spec"), dict) else {}
    order = f", order {spec['order']}" if "order" in spec else ""
    where = f"{doc.namespace}/" if doc.kind == "NetworkPolicy" else ""
    return f"Calico tier {spec.get('tier') or 'default'}{order}: {doc.kind}/{where}{doc.name}"


_DUMPER: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _yaml_text(data: Any) -> str:
    """A manifest as block YAML in its own key order (libyaml's emitter where PyYAML has it:
    a big cluster's thousands of policies)."""
    text: str = yaml.dump(data, Dumper=_DUMPER, sort_keys=False, default_flow_style=False)
    return text


def policy_records(documents: Iterable[Document]) -> list[dict[str, str]]:
    """The NetworkPolicy manifests (then the tier policies, then Calico's) as YAML text,
    with where each came from."""
    records = [
        {
            "id": f"{doc.namespace}/{doc.name}",
            "namespace": doc.namespace,
            "where": where(doc.source),
            "yaml": _yaml_text(doc.data),
        }
        for doc in documents
        if is_network_policy(doc.api_version, doc.kind)
    ]
    records += [
        {
            "id": _tier_label(doc),
            "namespace": "",
            "tier": _tier_label(doc).split(" ", 1)[0],
            "where": where(doc.source),
            "yaml": _yaml_text(doc.data),
        }
        for doc in documents
        if is_kubernetes_policy(doc.api_version, doc.kind, TIER_KINDS)
    ]
    records += [
        {
            "id": _calico_label(doc),
            "namespace": doc.namespace if doc.kind == "NetworkPolicy" else "",
            "tier": "Calico",
            "where": where(doc.source),
            "yaml": _yaml_text(doc.data),
        }
        for doc in documents
        if is_calico(doc.api_version, doc.kind) and doc.kind in CALICO_POLICY_KINDS
    ]
    return records


FINDINGS_SHOWN = 1000
"""Findings a page lists at most, the most severe first (a big cluster has hundreds of
thousands; ``netfence lint`` lists them all)."""


@dataclass(frozen=True)
class PageFindings:
    """What a page tells of lint's findings: the first ``FINDINGS_SHOWN`` (by
    ``Finding.sort_key``), how many there are and how many of each severity."""

    shown: tuple[Finding, ...]
    total: int
    severities: Mapping[str, int]


def page_findings(
    findings: Iterable[Finding],
    endpoints: Iterable[Endpoint],
    helpers: AbstractSet[str] = frozenset(),
) -> PageFindings:
    """The page's share of ``findings``, leaving out those about netfence's own stand-in
    pods (``helpers``) or namespaces holding nothing else (kept small, so that a big
    cluster's findings need not stay in memory while the page is built)."""
    endpoints = tuple(endpoints)
    helper_only = {e.namespace for e in endpoints} - {
        e.namespace for e in endpoints if e.id not in helpers
    }
    kept = [f for f in findings if not _about_helper(f, helpers, helper_only)]
    severities = Counter[str](f.severity for f in kept)
    shown = tuple(sorted(kept, key=Finding.sort_key)[:FINDINGS_SHOWN])
    return PageFindings(shown, len(kept), dict(severities))


def report_data(
    engine: Engine,
    findings: Sequence[Finding] | PageFindings,
    documents: Sequence[Document],
    inputs: str,
    progress: Progress | None = None,
    helpers: AbstractSet[str] = frozenset(),
    group: Choice = "auto",
) -> dict[str, Any]:
    """Everything the page shows, ready for ``json.dumps``; ``helpers`` are the ids of
    netfence's own stand-in pods (drawn, not counted, no findings about them). Pods are drawn
    one by one, or as workloads or namespaces (``group``; ``auto``: by the cluster's size)."""
    cluster = engine.cluster
    endpoints = [
        endpoint_node(e, ways, e.id in helpers)
        for e, ways in zip(engine.endpoints, isolation(engine), strict=True)
    ]
    level = drawn_level(engine.endpoints, group)
    edges: list[dict[str, Any]] | dict[str, list[Any]]
    if level == "pod":
        edges = flows(engine, progress)
        linked = {e["source"] for e in edges} | {e["target"] for e in edges}
        externals = [external_node(x) for x in engine.externals if x.id in linked]
        drawn, reached = endpoints + externals, len(externals)
    else:
        ranges = [external_node(x) for x in engine.externals]
        drawn, edges, reached = grouped_graph(engine, level, endpoints, ranges)
    if not isinstance(findings, PageFindings):
        findings = page_findings(findings, engine.endpoints, helpers)
    severities = findings.severities
    data: dict[str, Any] = {
        "meta": {
            "inputs": inputs,
            "version": VERSION,
            "ipblock_pods": engine.options.ipblock_pods,
        },
        "summary": {
            "namespaces": len(cluster.namespaces),
            "endpoints": len(endpoints),
            "policies": len(cluster.policies),
            "flows": len(edges) if isinstance(edges, list) else len(edges["source"]),
            "externals": reached,
            "externals_unreached": len(engine.externals) - reached,
            **isolation_counts(endpoints),
            "findings": {s: severities.get(s, 0) for s in ("error", "warning", "info")},
            "stand_ins": sum(bool(n["stand_in"]) for n in endpoints),
            "not_evaluated": len(cluster.not_evaluated),
        },
        "namespaces": [
            {
                "name": n.name,
                "labels": n.label_map,
                "policies": sum(p.namespace == n.name for p in cluster.policies),
            }
            for n in cluster.namespaces
        ],
        "nodes": drawn,
        "edges": edges,
        "findings": [finding_record(f) for f in findings.shown],
        "findings_total": findings.total,
        "policies": policy_records(documents),
        "not_evaluated": not_evaluated_json(cluster.not_evaluated),
    }
    if level != "pod":
        groups = sum(not n["external"] for n in drawn)
        data["aggregation"] = aggregation_note(engine, level, groups, group != "auto")
    return data


def _about_helper(
    finding: Finding, helpers: AbstractSet[str], helper_namespaces: AbstractSet[str]
) -> bool:
    """Whether a finding is about a stand-in, or a namespace that holds nothing else."""
    kind, _, ident = finding.obj.partition("/")
    return (kind == "Pod" and ident in helpers) or (
        kind == "Namespace" and ident in helper_namespaces
    )
