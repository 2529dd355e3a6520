"""Arrangements of an analysis shared by the matrix renderers: order, namespace totals,
workload groups and their edges. Nothing here decides a verdict; it only regroups them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from netfence.engine.analysis import Analysis, QueryResult
from netfence.engine.external import ExternalRange
from netfence.engine.fix import stable_labels
from netfence.engine.query_cells import block_counts
from netfence.model import Endpoint

GRID_LIMIT = 40
SEVERAL = "(several namespaces)"
"""Where a class whose members are in several namespaces is counted."""


def by_namespace(endpoints: Sequence[Endpoint]) -> list[int]:
    """Indexes of ``endpoints`` ordered by namespace, then name."""
    return sorted(range(len(endpoints)), key=lambda i: (endpoints[i].namespace, endpoints[i].name))


def fits_grid(analysis: Analysis) -> bool:
    """Few enough endpoints for a grid."""
    return max(len(analysis.sources), len(analysis.targets)) <= GRID_LIMIT


@dataclass(frozen=True)
class NamespaceTotal:
    """Allowed pairs out of all pairs between two namespaces (or an external range)."""

    source: str
    target: str
    allowed: int
    total: int


def _axis_groups(
    endpoints: Sequence[Endpoint], externals: Sequence[ExternalRange]
) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = {}
    for i, endpoint in enumerate(endpoints):
        groups.setdefault(endpoint.namespace or SEVERAL, []).append(i)
    for j, external in enumerate(externals):
        groups[external.id] = [len(endpoints) + j]
    return groups


def namespace_totals(analysis: Analysis, result: QueryResult) -> list[NamespaceTotal]:
    """Per (source namespace, target namespace) counts; externals count as their own group.

    Counted on the engine's classes when the result has them (weighted by how many nodes of
    each class a group holds), else summed per block of the matrix."""
    table = _Table(analysis, result)
    return [table.total(r, c) for r, c in zip(*np.nonzero(table.listed), strict=True)]


@dataclass(frozen=True)
class OpenPairs:
    """Namespace pairs with allowed traffic: the first ones (in ``namespace_totals`` order),
    how many are open, how many of them fully, out of how many pairs."""

    shown: list[NamespaceTotal]
    open: int
    fully: int
    pairs: int


def open_pairs(analysis: Analysis, result: QueryResult, limit: int) -> OpenPairs:
    """``namespace_totals`` with traffic, at most ``limit`` of them, and the counts (without
    building one object per pair of namespaces)."""
    table = _Table(analysis, result)
    opened = table.listed & (table.counts > 0)
    fully = opened & (table.counts == table.sizes)
    first = np.flatnonzero(opened)[:limit]
    shown = [table.total(*divmod(int(k), opened.shape[1])) for k in first]
    return OpenPairs(shown, int(opened.sum()), int(fully.sum()), int(table.listed.sum()))


class _Table:
    """[source group, target group]: allowed pairs and all pairs, by namespace or range."""

    def __init__(self, analysis: Analysis, result: QueryResult) -> None:
        rows = sorted(_axis_groups(analysis.sources, analysis.source_externals).items())
        columns = sorted(_axis_groups(analysis.targets, analysis.target_externals).items())
        row_index, column_index = [i for _, i in rows], [j for _, j in columns]
        if result.cells is not None and result.nodes is not None:
            row_nodes, column_nodes = result.nodes
            self.counts = block_counts(
                result.cells,
                [row_nodes[i] for i in row_index],
                [column_nodes[j] for j in column_index],
            )
        else:
            self.counts = _block_sums(result.allowed, row_index, column_index)
        row_sizes = np.array([len(i) for i in row_index], dtype=np.int64)
        column_sizes = np.array([len(j) for j in column_index], dtype=np.int64)
        self.sizes = np.outer(row_sizes, column_sizes)
        self.sources = [name for name, _ in rows]
        self.targets = [name for name, _ in columns]
        outside = np.array([n.startswith("ext:") for n in self.sources], dtype=bool)
        beyond = np.array([n.startswith("ext:") for n in self.targets], dtype=bool)
        self.listed = ~np.outer(outside, beyond)
        """Pairs ``namespace_totals`` lists: all but one external range to another."""

    def total(self, row: int, column: int) -> NamespaceTotal:
        return NamespaceTotal(
            self.sources[row],
            self.targets[column],
            int(self.counts[row, column]),
            int(self.sizes[row, column]),
        )


def _block_sums(
    allowed: np.ndarray, rows: Sequence[list[int]], columns: Sequence[list[int]]
) -> np.ndarray:
    """[row group, column group]: allowed cells in each block."""
    if not rows or not columns:
        return np.zeros((len(rows), len(columns)), dtype=np.int64)
    ordered = allowed[np.ix_(np.concatenate(rows), np.concatenate(columns))]
    row_starts = np.cumsum([0, *map(len, rows)])[:-1]
    column_starts = np.cumsum([0, *map(len, columns)])[:-1]
    by_row = np.add.reduceat(ordered, row_starts, axis=0, dtype=np.int64)
    sums: np.ndarray = np.add.reduceat(by_row, column_starts, axis=1)
    return sums


@dataclass(frozen=True)
class Workload:
    """Endpoints of one namespace with identical stable labels (the replicas of a workload)."""

    id: str
    namespace: str
    name: str
    members: tuple[int, ...]


def _workload_name(endpoints: Sequence[Endpoint]) -> str:
    if len(endpoints) == 1:
        return endpoints[0].name
    prefix = endpoints[0].name
    for endpoint in endpoints[1:]:
        while not endpoint.name.startswith(prefix):
            prefix = prefix[:-1]
    prefix = prefix.rstrip("-.0123456789")
    return prefix or ",".join(f"{k}={v}" for k, v in sorted(stable_labels(endpoints[0]).items()))


def workloads(endpoints: Sequence[Endpoint]) -> list[Workload]:
    """Group endpoints by namespace and stable labels; externals are left to the caller."""
    groups: dict[tuple[str, tuple[tuple[str, str], ...]], list[int]] = {}
    for i, endpoint in enumerate(endpoints):
        key = (endpoint.namespace, tuple(sorted(stable_labels(endpoint).items())))
        if endpoint.kind != "Pod" or not key[1]:
            key = (endpoint.namespace, (("", endpoint.name),))
        groups.setdefault(key, []).append(i)
    found = []
    for (namespace, _), members in sorted(groups.items()):
        name = _workload_name([endpoints[i] for i in members])
        suffix = f" x{len(members)}" if len(members) > 1 else ""
        found.append(Workload(f"{namespace}/{name}", namespace, name + suffix, tuple(members)))
    return found


@dataclass(frozen=True)
class Edge:
    """Allowed flows from one workload (or external range) to another, with their ports."""

    source: str
    target: str
    ports: tuple[str, ...]
    partial: bool
    every: bool

    @property
    def label(self) -> str:
        if self.every and len(self.ports) > 1:
            return "every analysed port" + (" (some replicas)" if self.partial else "")
        shown = list(self.ports[:3])
        if len(self.ports) > 3:
            shown.append(f"+{len(self.ports) - 3}")
        return ", ".join(shown) + (" (some replicas)" if self.partial else "")


def _nodes(
    endpoints: Sequence[Endpoint], externals: Sequence[ExternalRange]
) -> list[tuple[str, list[int]]]:
    count = len(endpoints)
    nodes = [(w.id, list(w.members)) for w in workloads(endpoints)]
    nodes += [(x.id, [count + j]) for j, x in enumerate(externals)]
    return nodes


def _membership(nodes: list[tuple[str, list[int]]], size: int) -> np.ndarray:
    """A 0/1 matrix: row n marks the members of node n."""
    matrix = np.zeros((len(nodes), size), dtype=np.float32)
    for n, (_, members) in enumerate(nodes):
        matrix[n, members] = 1.0
    return matrix


def edges(analysis: Analysis) -> list[Edge]:
    """Workload-level edges: allowed when some member pair (never a pod to itself) is."""
    sources = _nodes(analysis.sources, analysis.source_externals)
    targets = _nodes(analysis.targets, analysis.target_externals)
    not_self = np.array(analysis.row_ids)[:, None] != np.array(analysis.column_ids)[None, :]
    into = _membership(sources, len(analysis.row_ids))
    out_of = _membership(targets, len(analysis.column_ids)).T
    possible = into @ not_self.astype(np.float32) @ out_of
    allowed = [
        into @ (result.allowed & not_self).astype(np.float32) @ out_of
        for result in analysis.queries
    ]
    found: list[Edge] = []
    for s, t in np.argwhere(possible > 0):
        counts = [a[s, t] for a in allowed]
        ports = [r.label for r, c in zip(analysis.queries, counts, strict=True) if c > 0]
        if ports:
            partial = any(0 < c < possible[s, t] for c in counts)
            every = len(ports) == len(analysis.queries)
            found.append(Edge(sources[s][0], targets[t][0], tuple(ports), partial, every))
    return found


EXTERNAL_GROUP = "external"


@dataclass(frozen=True)
class GroupedEdge:
    """An edge whose ends may be whole groups (a namespace, or every external range)."""

    source: str
    target: str
    label: str
    source_is_group: bool = False
    target_is_group: bool = False


def node_groups(analysis: Analysis) -> dict[str, str]:
    """The group of every drawn node: its namespace, or ``external``."""
    groups = {w.id: w.namespace for w in workloads(analysis.endpoints)}
    groups.update({x.id: EXTERNAL_GROUP for x in analysis.externals})
    return groups


def grouped_edges(analysis: Analysis) -> list[GroupedEdge]:
    """``edges`` with fan-outs merged: a node that reaches every other member of a group (of
    two or more) with the same ports gets one edge to the group; then the members of a group
    that all reach a node (or group) with the same ports share one edge from the group."""
    groups = node_groups(analysis)
    members: dict[str, set[str]] = {}
    for node, group in groups.items():
        members.setdefault(group, set()).add(node)
    plain = [GroupedEdge(e.source, e.target, e.label) for e in edges(analysis)]
    wide, rest = _anywhere(plain, set(groups))
    fanned = _merge(rest, groups, members, outward=True)
    return wide + _merge(fanned, groups, members, outward=False)


ANYWHERE = "anywhere"
ANYWHERE_MIN = 3


def _anywhere(
    found: list[GroupedEdge], nodes: set[str]
) -> tuple[list[GroupedEdge], list[GroupedEdge]]:
    """Edges from a node to every other node (or into a node from every other one) with the
    same ports, as one edge to (from) ``anywhere``; and the edges they do not cover."""
    if len(nodes) <= ANYWHERE_MIN:
        return [], found
    out: dict[tuple[str, str], set[str]] = {}
    into: dict[tuple[str, str], set[str]] = {}
    for e in found:
        out.setdefault((e.source, e.label), set()).add(e.target)
        into.setdefault((e.target, e.label), set()).add(e.source)
    senders = {key for key, targets in out.items() if targets == nodes - {key[0]}}
    receivers = {key for key, sources in into.items() if sources == nodes - {key[0]}}
    wide = [GroupedEdge(node, ANYWHERE, label, False, True) for node, label in sorted(senders)]
    wide += [GroupedEdge(ANYWHERE, node, label, True) for node, label in sorted(receivers)]
    rest = [
        e
        for e in found
        if (e.source, e.label) not in senders and (e.target, e.label) not in receivers
    ]
    return wide, rest


def _merge(
    found: list[GroupedEdge],
    groups: dict[str, str],
    members: dict[str, set[str]],
    outward: bool,
) -> list[GroupedEdge]:
    def far(e: GroupedEdge) -> str:
        return e.target if outward else e.source

    def near(e: GroupedEdge) -> str:
        return e.source if outward else e.target

    def far_is_group(e: GroupedEdge) -> bool:
        return e.target_is_group if outward else e.source_is_group

    reached: dict[tuple[str, bool, str, str], set[str]] = {}
    for e in found:
        if not far_is_group(e):
            key = (near(e), e.source_is_group or e.target_is_group, groups[far(e)], e.label)
            reached.setdefault(key, set()).add(far(e))
    merged: set[tuple[str, bool, str, str]] = set()
    out: list[GroupedEdge] = []
    for e in found:
        key = (near(e), e.source_is_group or e.target_is_group, groups.get(far(e), ""), e.label)
        everyone = members.get(key[2], set()) - {near(e)}
        if far_is_group(e) or len(everyone) < 2 or reached.get(key) != everyone:
            out.append(e)
            continue
        if key in merged:
            continue
        merged.add(key)
        if outward:
            out.append(GroupedEdge(e.source, key[2], e.label, e.source_is_group, True))
        else:
            out.append(GroupedEdge(key[2], e.target, e.label, True, e.target_is_group))
    return out
