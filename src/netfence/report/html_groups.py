"""The HTML report of a big cluster: pods drawn as workloads or namespaces, flows between
them from the class matrices (``engine.group_flows``), and what was aggregated.

A page draws at most ``DRAWN_LIMIT`` in-cluster nodes one by one: its matrix has a cell per
pair (40,000 at the limit, a few MB of HTML) and the graph's layout grows with the square of
the nodes, so a page of that size still opens in a second or two. Above it, pods are drawn as
their workloads when there are few enough, else as their namespaces.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from typing import Any, Literal

from netfence.engine import Engine
from netfence.engine.group_flows import group_flows
from netfence.model import Endpoint
from netfence.report.diff_lines import ports_label

Level = Literal["pod", "workload", "namespace"]
Choice = Literal["auto", "pod", "workload", "namespace"]
DRAWN_LIMIT = 200


def drawn_level(endpoints: Sequence[Endpoint], choice: Choice = "auto") -> Level:
    """``choice``, or for ``auto`` the finest level with at most ``DRAWN_LIMIT`` nodes."""
    if choice != "auto":
        return choice
    if len(endpoints) <= DRAWN_LIMIT:
        return "pod"
    if len({e.workload_id for e in endpoints}) <= DRAWN_LIMIT:
        return "workload"
    return "namespace"


def _key(level: Level) -> Callable[[Endpoint], str]:
    return (lambda e: e.workload_id) if level == "workload" else (lambda e: e.namespace)


def _common_labels(members: Sequence[Endpoint]) -> dict[str, str]:
    shared = set(members[0].labels)
    for endpoint in members[1:]:
        shared &= set(endpoint.labels)
    return dict(sorted(shared))


def _group_node(
    level: Level, ident: str, members: Sequence[Endpoint], records: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    """One drawn group: its members' names and how many are isolated, and the labels and
    isolation every member shares."""
    first = members[0]
    ways = [int(bool(r["ingress_isolated"])) + int(bool(r["egress_isolated"])) for r in records]
    return {
        "id": ident,
        "label": ident.split("/", 2)[2] if level == "workload" else ident,
        "namespace": first.namespace,
        "kind": ident.split("/", 2)[1] if level == "workload" else "Namespace",
        "labels": _common_labels(members) if level == "workload" else {},
        "ips": [],
        "ingress_isolated": all(r["ingress_isolated"] for r in records),
        "egress_isolated": all(r["egress_isolated"] for r in records),
        "external": False,
        "stand_in": all(r["stand_in"] for r in records),
        "members": [e.name for e in members],
        "isolation": {
            "isolated": ways.count(2),
            "partly_isolated": ways.count(1),
            "unprotected": ways.count(0),
        },
    }


def grouped_graph(
    engine: Engine, level: Level, records: Sequence[Mapping[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], AbstractSet[str]]:
    """(group nodes, edges between groups and external ranges, ids of the linked ranges);
    ``records`` are the pods' own nodes (``html_data.endpoint_node``), in engine order."""
    key = _key(level)
    by_group: dict[str, list[int]] = {}
    for index, endpoint in enumerate(engine.endpoints):
        by_group.setdefault(key(endpoint), []).append(index)
    idents = sorted(by_group)
    start = len(engine.endpoints)
    groups = [by_group[i] for i in idents] + [[start + k] for k in range(len(engine.externals))]
    names = idents + [x.id for x in engine.externals]
    edges: list[dict[str, Any]] = []
    for flow in group_flows(engine, groups):
        label = ports_label(flow.ports)
        if label:
            edges.append(
                {
                    "source": names[flow.source],
                    "target": names[flow.target],
                    "ports": label,
                    "pairs": flow.pairs,
                    "of": flow.total,
                }
            )
    nodes = [
        _group_node(
            level,
            ident,
            [engine.endpoints[k] for k in by_group[ident]],
            [records[k] for k in by_group[ident]],
        )
        for ident in idents
    ]
    linked = {str(e["source"]) for e in edges} | {str(e["target"]) for e in edges}
    return nodes, edges, linked


def aggregation_note(engine: Engine, level: Level, groups: int) -> dict[str, Any]:
    """What the page aggregated, and the commands that give the detail (INPUT: this
    report's inputs)."""
    workloads = len({e.workload_id for e in engine.endpoints})
    return {
        "level": level,
        "pods": len(engine.endpoints),
        "workloads": workloads,
        "groups": groups,
        "limit": DRAWN_LIMIT,
        "tiers_omitted": bool(engine.cluster.tier_policies),
        "detail": [
            "netfence analyze INPUT --group workload",
            "netfence analyze INPUT --from NS/POD --to NS/POD",
            "netfence report INPUT --namespace NS -o NS.html",
            "netfence report INPUT --group pod -o pods.html",
        ],
    }
