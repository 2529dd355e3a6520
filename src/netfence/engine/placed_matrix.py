"""Whole matrices when some endpoints have no IP: each is evaluated at every address class.

One ``MatrixEngine`` holds the input with every endpoint without an IP placed at the first
address class of the pod CIDR, plus a copy of it at each other class (``engine.addresses``).
A node's class here is its tuple of classes there, one per placement; a cell is allowed when
every placement of its two ends is, and *depends on the address* when only some are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np

from netfence.engine.addresses import AddressClass, placed, unaddressed
from netfence.engine.external import ExternalRange
from netfence.engine.matrix import Matrix, MatrixEngine
from netfence.engine.peers import Node
from netfence.engine.tier_matrix import NO_TIER
from netfence.model import Cluster, Protocol
from netfence.vocabulary import IPBlockReading

Query = tuple[int | str, Protocol]


class PlacedMatrices:
    """Matrices over the input's nodes (endpoints, then externals) for one ipBlock reading."""

    def __init__(
        self,
        cluster: Cluster,
        externals: Sequence[ExternalRange],
        reading: IPBlockReading,
        addresses: Sequence[AddressClass],
        resolved: Mapping[str, tuple[str, ...]] | None = None,
    ) -> None:
        """``resolved``: ``fqdn:NAME`` id -> its addresses' range ids (``--resolve``)."""
        endpoints = cluster.endpoints
        loose = [i for i, e in enumerate(endpoints) if unaddressed(e)]
        first = tuple(placed(e, addresses[0]) if unaddressed(e) else e for e in endpoints)
        copies = tuple(
            placed(endpoints[i], where, f"{endpoints[i].name}@{k}")
            for k, where in enumerate(addresses[1:], start=1)
            for i in loose
        )
        self.inner = MatrixEngine(
            replace(cluster, endpoints=first + copies), externals, reading, resolved
        )
        self.nodes: tuple[Node, ...] = (*endpoints, *externals)
        self.node_index = {node.id: i for i, node in enumerate(self.nodes)}
        self.reading_matters = self.inner.reading_matters
        self.single = not copies
        """Every node has one placement: classes and cells are those of ``inner``."""
        self._endpoints = len(endpoints)
        inner_of = self.inner.classes.class_of
        count = len(endpoints)
        base = np.concatenate([inner_of[:count], inner_of[count + len(copies) :]])
        table = np.repeat(base[:, None], len(addresses), axis=1)
        for k in range(1, len(addresses)):
            start = count + (k - 1) * len(loose)
            table[loose, k] = inner_of[start : start + len(loose)]
        if self.single:
            self.class_of = base
            self._placements = np.arange(self.inner.classes.size)[:, None]
        else:
            rows, inverse = np.unique(table, axis=0, return_inverse=True)
            self.class_of, self._placements = inverse.reshape(-1), rows
        self._cells: dict[Query, tuple[np.ndarray, np.ndarray]] = {}
        self._disagree: dict[Query, np.ndarray] = {}

    @property
    def size(self) -> int:
        """How many classes there are (each a tuple of classes of ``inner``)."""
        return len(self._placements)

    def _spread(self, by_inner: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """[class, class]: ``by_inner`` at every, and at some, pair of placements."""
        size = len(self._placements)
        every = np.ones((size, size), dtype=bool)
        some = np.zeros((size, size), dtype=bool)
        for a in range(self._placements.shape[1]):
            rows = by_inner[self._placements[:, a]]
            for b in range(self._placements.shape[1]):
                cell = rows[:, self._placements[:, b]]
                every &= cell
                some |= cell
        return every, some

    def cells(
        self, port: int | str, protocol: Protocol, keep: bool = True
    ) -> tuple[np.ndarray, np.ndarray]:
        """[class, class] allowed at every placement of the ends, and at some (read-only);
        kept for the next ask unless ``keep`` is false (a port table's spans, which the
        table itself keeps, bits per span)."""
        key = (port, protocol)
        if key in self._cells:
            return self._cells[key]
        by_inner = self.inner.cached_class_matrix(port, protocol, keep)
        if self.single:
            found = (by_inner, by_inner)
        else:
            every, some = self._spread(by_inner)
            every.setflags(write=False)
            some.setflags(write=False)
            found = (every, some)
        if keep:
            self._cells[key] = found
        return found

    def span_patterns(
        self, protocol: Protocol, starts: Sequence[int]
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """``MatrixEngine.span_patterns`` of ``inner`` when every node has one placement
        (its classes are then these); None otherwise."""
        return self.inner.span_patterns(protocol, starts) if self.single else None

    def span_bits(self, protocol: Protocol, starts: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
        """[class, class, byte]: bit k (eight to a byte, the first high) set where ``cells``
        of port ``starts[k]`` allow the pair at every placement, and at some (one array when
        each node has one placement); one class matrix per port."""
        some = np.zeros((self.size, self.size, (len(starts) + 7) // 8), dtype=np.uint8)
        every = some if self.single else np.zeros_like(some)
        for k, port in enumerate(starts):
            at_every, at_some = self.cells(port, protocol, keep=False)
            bit = np.uint8(1 << (7 - k % 8))
            some[:, :, k // 8] |= at_some.astype(np.uint8) * bit
            if every is not some:
                every[:, :, k // 8] |= at_every.astype(np.uint8) * bit
        return every, some

    def cached_class_matrix(self, port: int | str, protocol: Protocol) -> np.ndarray:
        """[class, class] allowed wherever the ends' addresses are."""
        return self.cells(port, protocol)[0]

    def sides_disagree(self, port: int | str, protocol: Protocol) -> np.ndarray:
        """[class, class]: the two ends decide differently at some placement."""
        key = (port, protocol)
        if key not in self._disagree:
            by_inner = self.inner.sides_disagree(port, protocol)
            self._disagree[key] = by_inner if self.single else self._spread(by_inner)[1]
        return self._disagree[key]

    def class_tiers(self, port: int | str, protocol: Protocol) -> np.ndarray | None:
        """[class, class] code of the deciding tier at the first placement (None: no tiers)."""
        codes = self.inner.class_tiers(port, protocol)
        if codes is None or self.single:
            return codes
        first = self._placements[:, 0]
        placed: np.ndarray = codes[np.ix_(first, first)]
        return placed

    def _expand(self, by_class: np.ndarray) -> np.ndarray:
        expanded: np.ndarray = by_class.take(self.class_of, axis=1).take(self.class_of, axis=0)
        return expanded

    def matrix(self, port: int | str, protocol: Protocol = "TCP") -> Matrix:
        """The full node matrix; ``depends`` marks cells allowed at some placements only."""
        if self.single:
            inner = self.inner.matrix(port, protocol)
            return replace(inner, nodes=self.nodes, _index=self.node_index)
        every, some = self.cells(port, protocol)
        diagonal = np.arange(self._endpoints)
        allowed = self._expand(every)
        allowed[diagonal, diagonal] = True
        depends = self._expand(some & ~every)
        depends[diagonal, diagonal] = False
        tiers = None
        codes = self.class_tiers(port, protocol)
        if codes is not None:
            tiers = self._expand(codes)
            tiers[diagonal, diagonal] = NO_TIER
        return Matrix(port, protocol, self.nodes, allowed, self.node_index, tiers, depends)
