"""Exact allowed ports between every two node classes, as numbers into distinct port sets.

The spans of ``engine.port_spans`` are decided by their first port, so a protocol's ports
between two classes are one bit per span (packed eight to a byte): allowed at some placement
of the ends without an IP, and at every one. Pairs with the same bits have the same port
set, which is built once per pattern.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from netfence.engine.intervals import MAX_PORT, PortSet
from netfence.engine.placed_matrix import PlacedMatrices
from netfence.engine.port_spans import port_spans
from netfence.engine.rows import distinct_byte_rows
from netfence.model import PROTOCOLS, Cluster, Protocol

Connections = dict[Protocol, PortSet]


@dataclass(frozen=True, eq=False)
class PortPatterns:
    """One protocol's port sets between every two classes as numbers into ``sets``: at some
    placement (``some[a, b]``) and at every one (``every[a, b]``)."""

    protocol: Protocol
    some: np.ndarray
    every: np.ndarray
    sets: tuple[PortSet, ...]


def port_set(bits: np.ndarray, starts: Sequence[int]) -> PortSet:
    """The ports of a packed row of span bits."""
    spans = np.unpackbits(bits, count=len(starts)).astype(bool)
    ends = [*starts[1:], MAX_PORT + 1]
    return PortSet.of((lo, end - 1) for lo, end, on in zip(starts, ends, spans, strict=True) if on)


def _numbered(every: np.ndarray, some: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each pair's number into the distinct bit rows of two tables (one when ``every`` is
    ``some``), at every placement and at some, and the rows in byte order."""
    size, width = some.shape[0], some.shape[2]
    tables = [some] if every is some else [some, every]
    distinct, inverse = distinct_byte_rows(np.concatenate([t.reshape(-1, width) for t in tables]))
    numbers = inverse.astype(np.min_scalar_type(max(len(distinct), 1)))
    numbers = numbers.reshape(len(tables), size, size)
    return numbers[-1], numbers[0], distinct


class PortTables:
    """The port patterns of every protocol, each found on first use."""

    def __init__(self, matrices: PlacedMatrices, cluster: Cluster) -> None:
        self._matrices = matrices
        self._cluster = cluster
        self._patterns: dict[Protocol, PortPatterns] = {}

    def patterns(self, protocol: Protocol) -> PortPatterns:
        """Ports of ``protocol`` between distinct nodes of every two classes: from each
        direction's rules for every port at once where that decides, else from one class
        matrix per port span."""
        if protocol not in self._patterns:
            starts = [low for low, _ in port_spans(self._cluster, protocol)]
            found = self._matrices.span_patterns(protocol, starts)
            if found is None:
                every, some, rows = _numbered(*self._matrices.span_bits(protocol, starts))
            else:
                (every, rows), some = found, found[0]
            sets = tuple(port_set(row, starts) for row in rows)
            self._patterns[protocol] = PortPatterns(protocol, some, every, sets)
        return self._patterns[protocol]

    def connections(self, src_class: int, dst_class: int) -> tuple[Connections, Connections]:
        """Ports per protocol from a node of ``src_class`` to another of ``dst_class``: at
        some placement of the ends without an IP, and at every one."""
        some: Connections = {}
        every: Connections = {}
        for protocol in PROTOCOLS:
            found = self.patterns(protocol)
            some[protocol] = found.sets[found.some[src_class, dst_class]]
            every[protocol] = found.sets[found.every[src_class, dst_class]]
        return some, every
