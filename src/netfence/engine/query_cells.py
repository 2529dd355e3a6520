"""One query's answers on classes of nodes, and the pod-level cells they stand for.

Cells hold the verdict between *distinct* nodes of two classes; an endpoint to itself is
always allowed, never decided by a tier, by the ipBlock reading or by an address (an external
range to itself is never allowed, as between any two external ranges).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from netfence.model import Protocol


@dataclass(frozen=True, eq=False)
class QueryCells:
    """``allowed[a, b]`` (and the rest) for distinct nodes of classes ``a`` -> ``b``;
    ``node_class[n]`` is the class of node n (endpoints, then externals)."""

    port: int | str
    protocol: Protocol
    node_class: np.ndarray
    endpoints: int
    """How many of the nodes are endpoints (the rest are external ranges)."""
    allowed: np.ndarray
    decided: np.ndarray
    """The other ipBlock reading decides the cell differently."""
    tiers: np.ndarray | None = None
    """Code of the deciding tier (None: no tiers)."""
    depends: np.ndarray | None = None
    """Blocked, but allowed at some addresses of an end without an IP (None: no end has
    more than one placement)."""


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


def block_counts(
    cells: QueryCells, rows: list[np.ndarray], columns: list[np.ndarray]
) -> np.ndarray:
    """[row group, column group]: allowed cells between the groups' nodes (arrays of node
    indices), an endpoint to itself counting as allowed."""
    size = len(cells.allowed)
    by_class = cells.node_class

    def histogram(groups: list[np.ndarray]) -> np.ndarray:
        counts = np.zeros((len(groups), size), dtype=np.float64)
        for g, nodes in enumerate(groups):
            np.add.at(counts[g], by_class[nodes], 1.0)
        return counts

    totals = histogram(rows) @ cells.allowed.astype(np.float64) @ histogram(columns).T
    found: np.ndarray = np.rint(totals).astype(np.int64)
    column_of = {
        n: g for g, nodes in enumerate(columns) for n in nodes.tolist() if n < cells.endpoints
    }
    for g, nodes in enumerate(rows):
        for node in nodes.tolist():
            h = column_of.get(node)
            if h is not None and not cells.allowed[by_class[node], by_class[node]]:
                found[g, h] += 1
    return found
