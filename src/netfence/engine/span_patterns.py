"""Ports between every two node classes for every port span at once, from each direction's
rules: each side's groups get a number per distinct row of span bits, and a pair of classes
the number of its two sides' rows ANDed (no class matrix per span, no table of bits per
pair of classes)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from netfence.engine.rows import distinct_byte_rows, row_blocks
from netfence.engine.rulesets import DirectionRules
from netfence.model import Protocol


@dataclass(frozen=True)
class _Side:
    """One direction's ports: ``grid[source group, destination group]`` numbers a row of
    ``rows``; ``sources`` and ``targets`` hold every class's group."""

    grid: np.ndarray
    sources: np.ndarray
    targets: np.ndarray
    rows: np.ndarray

    def cells(self, rows: slice) -> np.ndarray:
        """[src class, dst class] row numbers for the source classes ``rows``."""
        found: np.ndarray = self.grid.take(self.sources[rows], axis=0).take(self.targets, axis=1)
        return found


def _side(rules: DirectionRules, protocol: Protocol, starts: Sequence[int], axis: int) -> _Side:
    """``rules``' ports; classes the direction does not isolate (destinations for ingress,
    ``axis`` 1; sources for egress, ``axis`` 0) admit every port: one more group."""
    bits, sources, targets = rules.span_bits(protocol, starts)
    valid = np.packbits(np.ones(len(starts), dtype=bool))
    shape = list(bits.shape)
    shape[axis] = 1
    bits = np.concatenate([bits, np.broadcast_to(valid, shape)], axis=axis)
    rows, numbers = distinct_byte_rows(bits.reshape(-1, len(valid)))
    grid = numbers.astype(np.min_scalar_type(max(len(rows), 1))).reshape(bits.shape[:2])
    open_group = bits.shape[axis] - 1
    if axis == 1:
        targets = np.where(rules.isolated, targets, open_group)
    else:
        sources = np.where(rules.isolated, sources, open_group)
    return _Side(grid, sources, targets, rows)


def from_rules(
    ingress: DirectionRules,
    egress: DirectionRules,
    endpoints: np.ndarray,
    protocol: Protocol,
    starts: Sequence[int],
) -> tuple[np.ndarray, np.ndarray]:
    """[src class, dst class] a number into the distinct rows of span bits (bit k, eight to
    a byte and the first high, set where port ``starts[k]`` is allowed), and the rows in
    byte order; ``endpoints`` marks the classes of endpoints (nothing flows between two
    externals)."""
    inward, outward = _side(ingress, protocol, starts, 1), _side(egress, protocol, starts, 0)
    in_rows = np.concatenate([inward.rows, np.zeros((1, inward.rows.shape[1]), np.uint8)])
    width = len(outward.rows)
    never = (len(in_rows) - 1) * width  # the zero row: between two externals
    externals = ~endpoints
    size = len(endpoints)
    blocks = row_blocks(size)

    def pairs(rows: slice) -> np.ndarray:
        found: np.ndarray = inward.cells(rows).astype(np.int64) * width + outward.cells(rows)
        found[np.ix_(externals[rows], externals)] = never
        return found

    present = np.zeros(len(in_rows) * width, dtype=bool)
    for rows in blocks:
        present[pairs(rows)] = True
    keys = np.flatnonzero(present)
    distinct, renumber = distinct_byte_rows(in_rows[keys // width] & outward.rows[keys % width])
    number = np.zeros(len(present), dtype=np.min_scalar_type(max(len(distinct), 1)))
    number[keys] = renumber
    found = np.empty((size, size), dtype=number.dtype)
    for rows in blocks:
        found[rows] = number[pairs(rows)]
    return found, distinct
