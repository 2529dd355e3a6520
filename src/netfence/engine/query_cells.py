"""One query's answers on classes of nodes, and the pod-level cells they stand for.

Cells hold the verdict between *distinct* nodes of two classes; an endpoint to itself is
always allowed, never decided by a tier, by the ipBlock reading or by an address (an external
range to itself is never allowed, as between any two external ranges).
"""

from __future__ import annotations

import numpy as np

from netfence.model import Protocol


class QueryCells:
    """``allowed[a, b]`` (and the rest) for distinct nodes of classes ``a`` -> ``b``;
    ``node_class[n]`` is the class of node n (endpoints, then externals).

    ``allowed`` and ``decided`` are kept as bits unless ``allowed`` is the engine's own
    (read-only) matrix: a big cluster's analysis holds one pair per query."""

    def __init__(
        self,
        port: int | str,
        protocol: Protocol,
        node_class: np.ndarray,
        endpoints: int,
        allowed: np.ndarray,
        decided: np.ndarray,
        tiers: np.ndarray | None = None,
        depends: np.ndarray | None = None,
    ) -> None:
        self.port, self.protocol = port, protocol
        self.node_class = node_class
        self.endpoints = endpoints
        """How many of the nodes are endpoints (the rest are external ranges)."""
        self.tiers = tiers
        """Code of the deciding tier (None: no tiers)."""
        self.depends = depends
        """Blocked, but allowed at some addresses of an end without an IP (None: no end has
        more than one placement)."""
        self._size = len(allowed)
        shared = not allowed.flags.writeable
        self._allowed = allowed if shared else np.packbits(allowed, axis=1)
        self._allowed_packed = not shared
        self._decided = np.packbits(decided, axis=1)

    def _unpacked(self, bits: np.ndarray) -> np.ndarray:
        table: np.ndarray = np.unpackbits(bits, axis=1, count=self._size).view(bool)
        return table

    @property
    def allowed(self) -> np.ndarray:
        return self._unpacked(self._allowed) if self._allowed_packed else self._allowed

    @property
    def decided(self) -> np.ndarray:
        """The other ipBlock reading decides the cell differently."""
        return self._unpacked(self._decided)


def own_columns(cells: QueryCells, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """For each row node, the column holding the same endpoint (-1 where none does)."""
    where = {node: j for j, node in enumerate(columns.tolist()) if node < cells.endpoints}
    return np.array([where.get(node, -1) for node in rows.tolist()], dtype=np.int64)


def expand(
    cells: QueryCells, table: np.ndarray, rows: np.ndarray, columns: np.ndarray, own: np.ndarray
) -> np.ndarray:
    """``table`` (one of ``cells``' arrays) over row nodes x column nodes, each node's own
    cell cleared (the caller sets what a node to itself holds)."""
    by_class = cells.node_class
    grid: np.ndarray = table.take(by_class[columns], axis=1).take(by_class[rows], axis=0)
    mine = np.flatnonzero(own >= 0)
    grid[mine, own[mine]] = 0
    return grid


Members = tuple[np.ndarray, np.ndarray, np.ndarray]
"""(group, class) pairs sorted by group: each pair's group, class and how many nodes of the
group are in the class."""


def memberships(by_class: np.ndarray, groups: list[np.ndarray]) -> Members:
    """The (group, class) pairs the groups' nodes make (a group without nodes has none)."""
    size = int(by_class.max(initial=0)) + 1
    group_of = np.repeat(np.arange(len(groups)), [len(g) for g in groups])
    nodes = np.concatenate(groups) if groups else np.zeros(0, dtype=np.int64)
    keys, counts = np.unique(group_of * size + by_class[nodes], return_counts=True)
    return keys // size, keys % size, counts


def _sum_by_column_group(values: np.ndarray, group: np.ndarray, groups: int) -> np.ndarray:
    """Sums of ``values``' columns per group (``group`` sorted; missing groups are 0)."""
    sums = np.zeros((len(values), groups), dtype=values.dtype)
    if len(group):
        starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
        sums[:, group[starts]] = np.add.reduceat(values, starts, axis=1)
    return sums


def _weighted_rows(
    table: np.ndarray, group: np.ndarray, rows: np.ndarray, weights: np.ndarray, groups: int
) -> np.ndarray:
    """[group, column]: the sum of ``weights[k] * table[rows[k]]`` over each group's k
    (``group`` sorted), one small product per group instead of a copy of every row."""
    sums = np.zeros((groups, table.shape[1]), dtype=np.int64)
    if not len(group):
        return sums
    bounds = np.flatnonzero(np.r_[True, group[1:] != group[:-1], True])
    for start, end in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        sums[group[start]] = weights[start:end] @ table[rows[start:end]]
    return sums


def weighted_sums(
    table: np.ndarray, rows: Members, columns: Members, shape: tuple[int, int]
) -> np.ndarray:
    """[row group, column group] (``shape`` groups): the sum of ``table[a, b]`` weighted by
    how many nodes class a holds of the row group times those class b holds of the column
    group."""
    row_group, row_class, row_count = rows
    column_group, column_class, column_count = columns
    per_row_group = _weighted_rows(table, row_group, row_class, row_count, shape[0])
    weighted = per_row_group[:, column_class] * column_count[None, :]
    return _sum_by_column_group(weighted, column_group, shape[1])


def block_counts(
    cells: QueryCells, rows: list[np.ndarray], columns: list[np.ndarray]
) -> np.ndarray:
    """[row group, column group]: allowed cells between the groups' nodes (arrays of node
    indices), an endpoint to itself counting as allowed. Summed on classes: each group's
    classes weighted by how many of its nodes they hold."""
    by_class, allowed = cells.node_class, cells.allowed
    row_members, column_members = memberships(by_class, rows), memberships(by_class, columns)
    found = weighted_sums(allowed, row_members, column_members, (len(rows), len(columns)))
    column_of = {
        n: g for g, nodes in enumerate(columns) for n in nodes.tolist() if n < cells.endpoints
    }
    for g, nodes in enumerate(rows):
        for node in nodes.tolist():
            h = column_of.get(node)
            if h is not None and not allowed[by_class[node], by_class[node]]:
                found[g, h] += 1
    return found
