"""Allowed flows between groups of nodes (workloads, namespaces), from the class matrices at
every port span, weighted by how many members of each group are in each class.

A group flows to another when some pair of distinct members may connect on some port; its
ports are the union over those pairs (what ``Engine.connections`` gives pair by pair), and
``pairs`` counts the member pairs allowed on some port, of ``total`` distinct pairs. No pod x
pod matrix is built: each span costs a pass over its class matrix per (group, class)
membership, and spans with the same class matrix share it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from netfence.engine.core import Connections, Engine
from netfence.engine.intervals import PortSet
from netfence.engine.port_spans import port_spans
from netfence.engine.query_cells import Members, memberships, weighted_sums
from netfence.model import PROTOCOLS, Protocol


@dataclass(frozen=True)
class GroupFlow:
    """Group ``source`` to group ``target`` (indices into the groups asked about)."""

    source: int
    target: int
    ports: Connections
    pairs: int
    total: int


@dataclass(frozen=True)
class GroupFlows:
    """Every flow as arrays (one entry per flow, source then target order); ``kinds`` index
    ``port_sets``, the distinct port sets of the flows."""

    sources: np.ndarray
    targets: np.ndarray
    pairs: np.ndarray
    total: np.ndarray
    kinds: np.ndarray
    port_sets: list[Connections]

    def __len__(self) -> int:
        return len(self.sources)

    def __iter__(self) -> Iterator[GroupFlow]:
        for k in range(len(self)):
            yield GroupFlow(
                int(self.sources[k]),
                int(self.targets[k]),
                self.port_sets[int(self.kinds[k])],
                int(self.pairs[k]),
                int(self.total[k]),
            )


class _Products:
    """Group sums of a [class, class] matrix through the (group, class) memberships: each
    costs the memberships times the classes (a class mostly belongs to one group), never a
    pod pair or a dense [group, class] product."""

    def __init__(self, members: Members, groups: int) -> None:
        self.members = members
        self.groups = groups
        group, classes, counts = members
        bounds = np.flatnonzero(np.r_[True, group[1:] != group[:-1], True])[: len(group) + 1]
        self.blocks = {
            int(group[a]): (classes[a:b], classes[a:b][counts[a:b] == 1])
            for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True)
        }
        """Per group: its classes, and those holding one of its members (no pair with itself)."""
        self._seen: dict[bytes, np.ndarray] = {}

    def some(self, allowed: np.ndarray) -> np.ndarray:
        """[group, group]: some pair of distinct members is allowed."""
        if not self.blocks:
            return np.zeros((0, 0), dtype=bool)
        key = hashlib.blake2b(np.packbits(allowed).tobytes()).digest()
        if key not in self._seen:
            some = weighted_sums(allowed, self.members, self.members, (self.groups,) * 2) > 0
            for group, (own, alone) in self.blocks.items():
                some[group, group] = allowed[np.ix_(own, own)].sum() > allowed[alone, alone].sum()
            self._seen[key] = some
        return self._seen[key]

    def pairs(self, allowed: np.ndarray) -> np.ndarray:
        """[group, group]: how many pairs of distinct members are allowed."""
        pairs = weighted_sums(allowed, self.members, self.members, (self.groups,) * 2)
        group, classes, counts = self.members
        np.subtract.at(pairs, (group, group), counts * allowed[classes, classes])
        return pairs


class SpanCells:
    """Every port span's [class, class] cells allowed at some placement
    (``Engine.class_possible``), each computed once and kept packed eight cells to a byte
    (a big cluster's thirty spans would hold gigabytes as booleans)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.spans = {protocol: port_spans(engine.cluster, protocol) for protocol in PROTOCOLS}
        self._packed: dict[tuple[Protocol, int], tuple[np.ndarray, tuple[int, ...]]] = {}

    def each(self, protocol: Protocol) -> Iterator[np.ndarray]:
        """The cells of each span of ``protocol``, in port order (read-only)."""
        for low, _ in self.spans[protocol]:
            kept = self._packed.get((protocol, low))
            if kept is None:
                allowed = self.engine.class_possible(low, protocol, keep=False)
                self._packed[(protocol, low)] = (np.packbits(allowed), allowed.shape)
            else:
                packed, shape = kept
                count = int(np.prod(shape))
                allowed = np.unpackbits(packed, count=count).view(bool).reshape(shape)
            yield allowed


def group_flows(
    engine: Engine, groups: Sequence[Sequence[int]], cells: SpanCells | None = None
) -> GroupFlows:
    """Every flow between the ``groups`` (lists of node indices: endpoints, then externals),
    in row order of source then target; ``cells``: the span cells, if already asked for."""
    cells = cells or SpanCells(engine)
    classes = engine.node_classes()
    size = int(classes.max()) + 1 if len(classes) else 0
    nodes = [np.asarray(members, dtype=np.int64) for members in groups]
    products = _Products(memberships(classes, nodes), len(groups))
    anywhere = np.zeros((size, size), dtype=bool)
    codes: dict[Protocol, np.ndarray] = {}
    for protocol in PROTOCOLS:
        layers = []
        for allowed in cells.each(protocol):
            anywhere |= allowed
            layers.append(products.some(allowed))
        codes[protocol] = np.packbits(np.stack(layers, axis=-1), axis=-1)
        """[group, group, span bits]: the spans some member pair is allowed on."""
    pairs = products.pairs(anywhere)
    sizes = np.array([len(members) for members in nodes], dtype=np.int64)
    sources, targets = np.nonzero(pairs > 0)
    span_bits = np.concatenate([codes[p][sources, targets] for p in PROTOCOLS], axis=1)
    distinct, kinds = np.unique(span_bits, axis=0, return_inverse=True)
    widths = np.cumsum([0, *(codes[p].shape[-1] for p in PROTOCOLS)])
    port_sets = []
    for row in distinct:
        connections = {}
        for k, protocol in enumerate(PROTOCOLS):
            ranges = cells.spans[protocol]
            bits = np.unpackbits(row[widths[k] : widths[k + 1]])[: len(ranges)]
            connections[protocol] = PortSet.of(ranges[i] for i in np.flatnonzero(bits))
        port_sets.append(connections)
    every = sizes[sources] * sizes[targets] - np.where(sources == targets, sizes[sources], 0)
    return GroupFlows(
        sources,
        targets,
        pairs[sources, targets].astype(np.int64),
        every.astype(np.int64),
        kinds.reshape(-1),
        port_sets,
    )


def linked_externals(cells: SpanCells) -> list[int]:
    """The external ranges (their indices in ``engine.externals``) some other node may reach
    or be reached from on some port."""
    engine = cells.engine
    classes = engine.node_classes()
    start = len(engine.endpoints)
    pods, outside = np.unique(classes[:start]), classes[start:]
    linked = np.zeros(len(outside), dtype=bool)
    for protocol in PROTOCOLS:
        for allowed in cells.each(protocol):
            between = allowed[np.ix_(outside, outside)]
            np.fill_diagonal(between, False)  # a range is no pair with itself
            linked |= allowed[np.ix_(pods, outside)].any(axis=0)
            linked |= allowed[np.ix_(outside, pods)].any(axis=1)
            linked |= between.any(axis=0) | between.any(axis=1)
    return np.flatnonzero(linked).tolist()
