"""Exact allowed ports between every two node classes, one class matrix per port span.

The spans of ``engine.port_spans`` are decided by their first port, so a protocol's table
holds, per pair of classes, one bit per span (packed eight to a byte): allowed at some
placement of the ends without an IP, and at every one. Pairs with the same bits have the
same port set, which is built once per pattern.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from netfence.engine.intervals import MAX_PORT, PortSet
from netfence.engine.placed_matrix import PlacedMatrices
from netfence.engine.port_spans import port_spans
from netfence.engine.rows import distinct_byte_rows
from netfence.model import PROTOCOLS, Cluster, Protocol

Connections = dict[Protocol, PortSet]


@dataclass(frozen=True, eq=False)
class PortTable:
    """One protocol: ``some[a, b]`` and ``every[a, b]`` are the packed span bits of classes
    ``a`` -> ``b`` (distinct nodes; see ``PlacedMatrices``)."""

    protocol: Protocol
    starts: tuple[int, ...]
    some: np.ndarray
    every: np.ndarray
    _sets: dict[bytes, PortSet] = field(default_factory=dict, repr=False)

    def port_set(self, bits: np.ndarray) -> PortSet:
        """The ports of a packed row of span bits."""
        key = bits.tobytes()
        found = self._sets.get(key)
        if found is None:
            spans = np.unpackbits(bits, count=len(self.starts)).astype(bool)
            ends = [*self.starts[1:], MAX_PORT + 1]
            found = PortSet.of(
                (lo, end - 1) for lo, end, on in zip(self.starts, ends, spans, strict=True) if on
            )
            self._sets[key] = found
        return found


@dataclass(frozen=True, eq=False)
class PortPatterns:
    """One protocol's port sets between every two classes as numbers into ``sets``: at some
    placement (``some[a, b]``) and at every one (``every[a, b]``)."""

    protocol: Protocol
    some: np.ndarray
    every: np.ndarray
    sets: tuple[PortSet, ...]


def patterns(table: PortTable) -> PortPatterns:
    """The distinct bit rows of ``table`` and each pair's row number."""
    size, width = table.some.shape[0], table.some.shape[2]
    tables = [table.some] if table.every is table.some else [table.some, table.every]
    rows = np.concatenate([t.reshape(-1, width) for t in tables])
    distinct, inverse = distinct_byte_rows(rows)
    numbers = inverse.astype(np.min_scalar_type(max(len(distinct), 1)))
    numbers = numbers.reshape(len(tables), size, size)
    sets = tuple(table.port_set(row) for row in distinct)
    return PortPatterns(table.protocol, numbers[0], numbers[-1], sets)


def _packed(matrices: PlacedMatrices, protocol: Protocol, starts: list[int]) -> PortTable:
    size = matrices.size
    some = np.zeros((size, size, (len(starts) + 7) // 8), dtype=np.uint8)
    # One placement per class: the two tables are one (``patterns`` then numbers it once).
    every = some if matrices.single else np.zeros_like(some)
    for k, port in enumerate(starts):
        at_every, at_some = matrices.cells(port, protocol, keep=False)
        bit = np.uint8(1 << (7 - k % 8))
        some[:, :, k // 8] |= at_some.astype(np.uint8) * bit
        if every is not some:
            every[:, :, k // 8] |= at_every.astype(np.uint8) * bit
    return PortTable(protocol, tuple(starts), some, every)


class PortTables:
    """The port tables of every protocol, each built on first use."""

    def __init__(self, matrices: PlacedMatrices, cluster: Cluster) -> None:
        self._matrices = matrices
        self._cluster = cluster
        self._tables: dict[Protocol, PortTable] = {}

    def table(self, protocol: Protocol) -> PortTable:
        if protocol not in self._tables:
            starts = [low for low, _ in port_spans(self._cluster, protocol)]
            self._tables[protocol] = _packed(self._matrices, protocol, starts)
        return self._tables[protocol]

    def connections(self, src_class: int, dst_class: int) -> tuple[Connections, Connections]:
        """Ports per protocol from a node of ``src_class`` to another of ``dst_class``: at
        some placement of the ends without an IP, and at every one."""
        some: Connections = {}
        every: Connections = {}
        for protocol in PROTOCOLS:
            table = self.table(protocol)
            some[protocol] = table.port_set(table.some[src_class, dst_class])
            every[protocol] = table.port_set(table.every[src_class, dst_class])
        return some, every
