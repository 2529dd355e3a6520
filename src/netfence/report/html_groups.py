"""The HTML report of a big cluster: pods drawn as workloads or namespaces, flows between
them from the class matrices (``engine.group_flows``), and what was aggregated.

Edges go in columns (source and target positions in ``nodes``, an index into ``labels`` for
their ports, allowed and distinct pod pairs), which the page expands.

A page draws at most ``DRAWN_LIMIT`` in-cluster nodes one by one: its matrix has a cell per
pair (40,000 at the limit, about 1.5 MB of HTML) and the graph's layout grows with the square
of the nodes (a dense 200-pod graph of 8,000 edges lays out in about 10 s in Chromium, 100
pods and 2,600 edges in about 5 s). Above it, pods are drawn as their workloads when there are
few enough, else as their namespaces; such a page lays its nodes out without its edges when
they are many, and draws a selection's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

from netfence.engine import Engine
from netfence.engine.group_flows import SpanCells, group_flows, linked_externals
from netfence.model import Endpoint
from netfence.report.diff_lines import ports_label

Level = Literal["pod", "workload", "namespace"]
Choice = Literal["auto", "pod", "workload", "namespace"]
DRAWN_LIMIT = 200
RANGES_LIMIT = 50
"""More external ranges than this are drawn as one node on an aggregated page."""
OUTSIDE = "ext:outside"


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


def _ranges_node(labels: Sequence[str]) -> dict[str, Any]:
    """The linked external ranges as one node (more than ``RANGES_LIMIT`` of them)."""
    return {
        "id": OUTSIDE,
        "label": f"{len(labels)} external ranges",
        "origin": "",
        "name": "every range some pod may reach or be reached from",
        "namespace": None,
        "kind": "External",
        "cidrs": [],
        "external": True,
        "members": list(labels),
    }


def grouped_graph(
    engine: Engine,
    level: Level,
    records: Sequence[Mapping[str, Any]],
    ranges: Sequence[Mapping[str, Any]],
) -> tuple[list[dict[str, Any]], dict[str, list[Any]], int]:
    """(drawn nodes, flows between them as columns, how many ranges have flows);
    ``records`` and ``ranges`` are the pods' and ranges' own nodes, in engine order."""
    key = _key(level)
    by_group: dict[str, list[int]] = {}
    for index, endpoint in enumerate(engine.endpoints):
        by_group.setdefault(key(endpoint), []).append(index)
    idents = sorted(by_group)
    nodes: list[dict[str, Any]] = [
        _group_node(
            level,
            ident,
            [engine.endpoints[k] for k in by_group[ident]],
            [records[k] for k in by_group[ident]],
        )
        for ident in idents
    ]
    groups = [by_group[i] for i in idents]
    start = len(engine.endpoints)
    cells = SpanCells(engine)
    if len(engine.externals) > RANGES_LIMIT:
        linked = linked_externals(cells)
        if linked:
            groups.append([start + k for k in linked])
            nodes.append(_ranges_node([str(ranges[k]["label"]) for k in linked]))
    else:
        groups += [[start + k] for k in range(len(engine.externals))]
        nodes += [dict(r) for r in ranges]
    flows = group_flows(engine, groups, cells)
    used = sorted({*flows.sources.tolist(), *flows.targets.tolist()})
    position = {
        old: new
        for new, old in enumerate(k for k in range(len(nodes)) if k < len(idents) or k in used)
    }
    drawn = [nodes[k] for k in position]
    columns = {
        "source": [position[k] for k in flows.sources.tolist()],
        "target": [position[k] for k in flows.targets.tolist()],
        "ports": flows.kinds.tolist(),
        "pairs": flows.pairs.tolist(),
        "of": flows.total.tolist(),
        "labels": [ports_label(ports) for ports in flows.port_sets],
    }
    reached = len(drawn) - len(idents)
    if len(engine.externals) > RANGES_LIMIT and reached:
        reached = len(drawn[-1]["members"])
    return drawn, columns, reached


def aggregation_note(engine: Engine, level: Level, groups: int, chosen: bool) -> dict[str, Any]:
    """What the page aggregated (``chosen``: by ``--group``, not by size), and the commands
    that give the detail (INPUT: this report's inputs)."""
    workloads = len({e.workload_id for e in engine.endpoints})
    return {
        "level": level,
        "pods": len(engine.endpoints),
        "workloads": workloads,
        "groups": groups,
        "limit": DRAWN_LIMIT,
        "chosen": chosen,
        "tiers_omitted": bool(engine.cluster.tier_policies),
        "detail": [
            "netfence analyze INPUT --group workload",
            "netfence analyze INPUT --from NS/POD --to NS/POD",
            "netfence report INPUT --namespace NS -o NS.html",
            "netfence report INPUT --group pod -o pods.html",
        ],
    }
