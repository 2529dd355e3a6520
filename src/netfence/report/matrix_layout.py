"""Arrangements of an analysis shared by the matrix renderers: order, namespace totals,
workload groups and their edges. Nothing here decides a verdict; it only regroups them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from netfence.engine.analysis import Analysis, QueryResult
from netfence.engine.external import ExternalRange
from netfence.engine.fix import stable_labels
from netfence.model import Endpoint

GRID_LIMIT = 40
SEVERAL = "(several namespaces)"
"""Where a class whose members are in several namespaces is counted."""
SLICE = 1024
"""Rows of a summary summed at a time (bounds the memory of its weighted cells)."""


def by_namespace(endpoints: Sequence[Endpoint]) -> list[int]:
    """Indexes of ``endpoints`` ordered by namespace, then name."""
    return sorted(range(len(endpoints)), key=lambda i: (endpoints[i].namespace, endpoints[i].name))


def fits_grid(analysis: Analysis) -> bool:
    """Few enough endpoints for a grid (a summary stands for more: totals)."""
    if analysis.grouping == "summary":
        return False
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

    The matrix is gathered once in group order and summed per block (no block by block
    indexing, which costs a copy per pair of groups)."""
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
        row_weights = _weights(analysis, analysis.row_ids)
        column_weights = _weights(analysis, analysis.column_ids)
        row_index, column_index = [i for _, i in rows], [j for _, j in columns]
        if analysis.grouping == "summary":
            self.counts = _pair_sums(
                analysis, result.allowed, (row_index, column_index), row_weights, column_weights
            )
        else:
            self.counts = _block_sums(result.allowed, row_index, column_index)
        row_sizes = np.array([row_weights[i].sum() for _, i in rows], dtype=np.int64)
        column_sizes = np.array([column_weights[j].sum() for _, j in columns], dtype=np.int64)
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


def _weights(analysis: Analysis, ids: list[str]) -> np.ndarray:
    """How many endpoints each row or column stands for (a summary's groups: their members)."""
    if analysis.grouping != "summary":
        return np.ones(len(ids), dtype=np.int64)
    return np.array([len(analysis.members.get(i, (i,))) for i in ids], dtype=np.int64)


def _pair_sums(
    analysis: Analysis,
    allowed: np.ndarray,
    blocks: tuple[Sequence[list[int]], Sequence[list[int]]],
    row_weights: np.ndarray,
    column_weights: np.ndarray,
) -> np.ndarray:
    """A summary's block sums in endpoint pairs: a cell counts rows x columns members, and a
    group to itself n x n - n pairs of distinct members, which its cell decides, and n to
    themselves, always allowed. Summed a slice of rows at a time."""
    rows, columns = blocks
    sums = np.zeros((len(rows), len(columns)), dtype=np.int64)
    if not rows or not columns:
        return sums
    row_order, column_order = np.concatenate(rows), np.concatenate(columns)
    row_block = np.repeat(np.arange(len(rows)), [len(r) for r in rows])
    column_block = np.repeat(np.arange(len(columns)), [len(c) for c in columns])
    column_starts = np.cumsum([0, *map(len, columns)])[:-1]
    across = column_weights[column_order]
    for start in range(0, len(row_order), SLICE):
        part = row_order[start : start + SLICE]
        weighted = allowed[np.ix_(part, column_order)] * across
        by_block = np.add.reduceat(weighted, column_starts, axis=1) * row_weights[part, None]
        np.add.at(sums, row_block[start : start + SLICE], by_block)
    row_at = np.empty(len(row_order), dtype=np.int64)
    row_at[row_order] = row_block
    column_at = np.empty(len(column_order), dtype=np.int64)
    column_at[column_order] = column_block
    column_of = {ident: j for j, ident in enumerate(analysis.column_ids)}
    for i, ident in enumerate(analysis.row_ids):
        j = column_of.get(ident)
        if j is not None and ident in analysis.members:
            sums[row_at[i], column_at[j]] += row_weights[i] * (1 - int(allowed[i, j]))
    return sums


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
