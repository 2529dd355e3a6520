"""Allowed flows between groups of nodes (workloads, namespaces), from the class matrices at
every port span, weighted by how many members of each group are in each class.

A group flows to another when some pair of distinct members may connect on some port; its
ports are the union over those pairs (what ``Engine.connections`` gives pair by pair), and
``pairs`` counts the member pairs allowed on some port, of ``total`` distinct pairs. No pod x
pod matrix is built: each span costs one [group, class] x [class, class] x [class, group]
product, and spans with the same class matrix share it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from netfence.engine.core import Connections, Engine
from netfence.engine.intervals import PortSet
from netfence.engine.port_spans import port_spans
from netfence.model import PROTOCOLS, Protocol


@dataclass(frozen=True)
class GroupFlow:
    """Group ``source`` to group ``target`` (indices into the groups asked about)."""

    source: int
    target: int
    ports: Connections
    pairs: int
    total: int


class _Products:
    """[group, group]: whether some pair of distinct members is allowed by a class matrix.

    Float32 products of 0/1 matrices stay exact: every sum is at most the number of classes.
    """

    def __init__(self, membership: np.ndarray) -> None:
        self.present = (membership > 0).astype(np.float32)
        self.alone = (membership == 1).astype(np.float32)
        """A class with one member of the group: that member to itself is no pair."""
        self._seen: dict[bytes, np.ndarray] = {}

    def __call__(self, allowed: np.ndarray) -> np.ndarray:
        key = np.packbits(allowed).tobytes()
        if key not in self._seen:
            reach = self.present @ allowed.astype(np.float32)
            """[group, class]: how many of the group's classes reach the class."""
            some: np.ndarray = ((reach > 0).astype(np.float32) @ self.present.T) > 0
            within = (reach.astype(np.float64) * self.present).sum(axis=1)
            within -= self.alone @ np.diag(allowed)
            some[np.diag_indices_from(some)] = within > 0
            self._seen[key] = some
        return self._seen[key]


def group_flows(engine: Engine, groups: Sequence[Sequence[int]]) -> list[GroupFlow]:
    """Every flow between the ``groups`` (lists of node indices: endpoints, then externals),
    in row order of source then target."""
    classes = engine.node_classes()
    size = int(classes.max()) + 1 if len(classes) else 0
    membership = np.zeros((len(groups), size), dtype=np.float64)
    for row, members in enumerate(groups):
        np.add.at(membership[row], classes[list(members)], 1)
    products = _Products(membership)
    anywhere = np.zeros((size, size), dtype=bool)
    spans = {protocol: port_spans(engine.cluster, protocol) for protocol in PROTOCOLS}
    codes: dict[Protocol, np.ndarray] = {}
    for protocol in PROTOCOLS:
        layers = []
        for low, _ in spans[protocol]:
            allowed = engine.class_possible(low, protocol)
            anywhere |= allowed
            layers.append(products(allowed))
        codes[protocol] = np.packbits(np.stack(layers, axis=-1), axis=-1)
        """[group, group, span bits]: the spans some member pair is allowed on."""
    pairs = membership @ anywhere.astype(np.float64) @ membership.T
    pairs[np.diag_indices_from(pairs)] -= membership @ np.diag(anywhere)
    sizes = membership.sum(axis=1)
    total = np.outer(sizes, sizes) - np.diag(sizes)
    known: dict[tuple[Protocol, bytes], PortSet] = {}

    def ports_of(protocol: Protocol, code: np.ndarray) -> PortSet:
        key = (protocol, code.tobytes())
        if key not in known:
            bits = np.unpackbits(code)[: len(spans[protocol])]
            known[key] = PortSet.of(spans[protocol][k] for k in np.flatnonzero(bits))
        return known[key]

    flows = []
    for source, target in zip(*np.nonzero(pairs > 0), strict=True):
        ports = {p: ports_of(p, codes[p][source, target]) for p in PROTOCOLS}
        count, every = int(pairs[source, target]), int(total[source, target])
        flows.append(GroupFlow(int(source), int(target), ports, count, every))
    return flows
