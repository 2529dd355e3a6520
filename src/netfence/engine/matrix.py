"""The fast engine: whole connectivity matrices, vectorised over classes of alike nodes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from netfence.engine.calico_matrix import calico_class_matrix
from netfence.engine.classes import NodeClasses
from netfence.engine.external import ExternalRange
from netfence.engine.peers import Node
from netfence.engine.reference import Reference
from netfence.engine.rulesets import DirectionRules
from netfence.engine.tier_matrix import NO_TIER, TierMatrices, cell_tiers
from netfence.model import DIRECTIONS, Cluster, Protocol
from netfence.vocabulary import IPBlockReading


@dataclass(frozen=True, eq=False)
class Matrix:
    """Allowed connections for one port/protocol: ``allowed[i, j]`` is nodes[i] -> nodes[j]."""

    port: int | str
    protocol: Protocol
    nodes: tuple[Node, ...]
    allowed: np.ndarray
    _index: Mapping[str, int] = field(default_factory=dict, repr=False)
    tiers: np.ndarray | None = None
    """[i, j] code of the tier (Admin 1, Baseline 2) that decided the cell; None: no tiers."""

    def index(self, ident: str) -> int:
        """Position of the node called ``ident`` (KeyError when unknown)."""
        return self._index[ident]

    def cell(self, src_id: str, dst_id: str) -> bool:
        return bool(self.allowed[self.index(src_id), self.index(dst_id)])


class MatrixEngine:
    """Whole matrices for one ipBlock reading; class-level results are cached (bit-packed)."""

    def __init__(
        self, cluster: Cluster, externals: Sequence[ExternalRange], reading: IPBlockReading
    ) -> None:
        self.classes = NodeClasses(cluster, externals, reading)
        self.nodes = self.classes.nodes
        self.reading_matters = self.classes.reading_matters
        self._endpoints = len(cluster.endpoints)
        self._rules = {d: DirectionRules(self.classes, d) for d in DIRECTIONS}
        self._cache: dict[tuple[int | str, Protocol], np.ndarray] = {}
        self.tiers = TierMatrices(self.classes)
        self._tier_cache: dict[tuple[int | str, Protocol], np.ndarray] = {}
        self._calico = Reference(cluster, reading) if cluster.calico.active else None
        self.has_tiers = self.tiers.active or self._calico is not None

    def class_matrix(self, port: int | str, protocol: Protocol) -> np.ndarray:
        """[src class, dst class] allowed, before self traffic is added."""
        if self._calico is not None:
            calico, codes = calico_class_matrix(self._calico, self.classes.reps, port, protocol)
            self._tier_cache[(port, protocol)] = codes
            return calico
        resolved = self.classes.resolved(port, protocol)
        ingress, egress = self._rules["ingress"], self._rules["egress"]
        ingress_np = ingress.admitted(protocol, resolved) | ~ingress.isolated[None, :]
        egress_np = egress.admitted(protocol, resolved) | ~egress.isolated[:, None]
        externals = ~self.classes.is_endpoint
        if self.tiers.active:
            shape = ingress_np.shape
            ingress_side = self.tiers.side(
                "ingress",
                ingress_np,
                np.broadcast_to(ingress.isolated[None, :], shape),
                protocol,
                resolved,
            )
            egress_side = self.tiers.side(
                "egress",
                egress_np,
                np.broadcast_to(egress.isolated[:, None], shape),
                protocol,
                resolved,
            )
            ingress_np, egress_np = ingress_side[0], egress_side[0]
        allowed: np.ndarray = ingress_np & egress_np & (resolved >= 0)[None, :]
        allowed[np.ix_(externals, externals)] = False
        if self.tiers.active:
            codes = cell_tiers(allowed, egress_side, ingress_side)
            codes[np.ix_(externals, externals)] = NO_TIER
            self._tier_cache[(port, protocol)] = codes
        return allowed

    def matrix(self, port: int | str, protocol: Protocol = "TCP") -> Matrix:
        """The full node matrix; class matrices are cached, the expansion is not."""
        key = (port, protocol)
        if key not in self._cache:
            self._cache[key] = np.packbits(self.class_matrix(port, protocol), axis=1)
        size = self.classes.size
        by_class = np.unpackbits(self._cache[key], axis=1, count=size).view(bool)
        class_of = self.classes.class_of
        # Columns first: the element-wise gather then runs on the small matrix, and the rows
        # of the full one are whole-row copies.
        allowed = by_class.take(class_of, axis=1).take(class_of, axis=0)
        diagonal = np.arange(self._endpoints)
        allowed[diagonal, diagonal] = True
        tiers = None
        if self.has_tiers:
            tiers = self._tier_cache[key].take(class_of, axis=1).take(class_of, axis=0)
            tiers[diagonal, diagonal] = NO_TIER
        return Matrix(port, protocol, self.nodes, allowed, self.classes.node_index, tiers)
