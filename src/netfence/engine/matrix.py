"""The fast engine: whole connectivity matrices, vectorised over classes of alike nodes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from netfence.engine.calico_matrix import calico_class_matrix
from netfence.engine.cilium_matrix import CiliumMatrices
from netfence.engine.classes import NodeClasses
from netfence.engine.external import ExternalRange
from netfence.engine.peers import Node
from netfence.engine.reference import Reference
from netfence.engine.rulesets import DirectionRules
from netfence.engine.span_patterns import from_rules
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
    depends: np.ndarray | None = None
    """[i, j] blocked, but allowed at some addresses of an end without an IP (None: no
    cell depends on an address)."""

    def index(self, ident: str) -> int:
        """Position of the node called ``ident`` (KeyError when unknown)."""
        return self._index[ident]

    def cell(self, src_id: str, dst_id: str) -> bool:
        return bool(self.allowed[self.index(src_id), self.index(dst_id)])


class MatrixEngine:
    """Whole matrices for one ipBlock reading; class-level results are cached."""

    def __init__(
        self,
        cluster: Cluster,
        externals: Sequence[ExternalRange],
        reading: IPBlockReading,
        addresses: Mapping[str, tuple[str, ...]] | None = None,
    ) -> None:
        self.classes = NodeClasses(cluster, externals, reading)
        index = self.classes.index
        self._folds = [
            (
                int(self.classes.class_of[index(name)]),
                [int(self.classes.class_of[index(i)]) for i in ids],
            )
            for name, ids in (addresses or {}).items()
        ]
        """(resolved ``fqdn:`` class, its addresses' classes): the first's row and column
        are those of the others, every one allowing (``--resolve``)."""
        self.nodes = self.classes.nodes
        self.reading_matters = self.classes.reading_matters
        self._endpoints = len(cluster.endpoints)
        self._rules = {d: DirectionRules(self.classes, d) for d in DIRECTIONS}
        self._cache: dict[tuple[int | str, Protocol], np.ndarray] = {}
        self._disagree: dict[tuple[int | str, Protocol], np.ndarray] = {}
        self.tiers = TierMatrices(self.classes)
        self.cilium = CiliumMatrices(self.classes)
        self._tier_cache: dict[tuple[int | str, Protocol], np.ndarray] = {}
        self._calico = Reference(cluster, reading) if cluster.calico.active else None
        self.has_tiers = self.tiers.active or self._calico is not None

    def class_sides(
        self, port: int | str, protocol: Protocol
    ) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray] | None]:
        """[src class, dst class] final decision of the egress end and of the ingress end (and,
        with tiers, each end's deciding tier codes), before self traffic is added."""
        resolved = self.classes.resolved(port, protocol)
        ingress, egress = self._rules["ingress"], self._rules["egress"]
        ingress_np = ingress.admitted(protocol, resolved) | ~ingress.isolated[None, :]
        egress_np = egress.admitted(protocol, resolved) | ~egress.isolated[:, None]
        shape = ingress_np.shape
        ingress_decided = np.broadcast_to(ingress.isolated[None, :], shape)
        egress_decided = np.broadcast_to(egress.isolated[:, None], shape)
        if self.cilium.active:
            ingress_np, ingress_decided = self.cilium.side(
                "ingress", ingress_np, ingress_decided, protocol, resolved
            )
            egress_np, egress_decided = self.cilium.side(
                "egress", egress_np, egress_decided, protocol, resolved
            )
        served = (resolved >= 0)[None, :]
        if not self.tiers.active:
            return (egress_np, ingress_np & served), None
        ingress_side = self.tiers.side("ingress", ingress_np, ingress_decided, protocol, resolved)
        egress_side = self.tiers.side("egress", egress_np, egress_decided, protocol, resolved)
        return (egress_side[0], ingress_side[0] & served), (egress_side[1], ingress_side[1])

    def _fold(self, allowed: np.ndarray, codes: np.ndarray | None) -> None:
        """Resolved ``fqdn:`` classes take their addresses' cells: allowed where every
        address is, the deciding tier that of the first address refusing (else the first)."""
        for name, parts in self._folds:
            for axis in (0, 1):
                cells = allowed[parts, :] if axis == 0 else allowed[:, parts].T
                refused = np.argmax(~cells, axis=0)
                pick = np.where(cells.all(axis=0), 0, refused)
                if codes is not None:
                    chosen = (codes[parts, :] if axis == 0 else codes[:, parts].T)[
                        pick, np.arange(cells.shape[1])
                    ]
                    if axis == 0:
                        codes[name, :] = chosen
                    else:
                        codes[:, name] = chosen
                if axis == 0:
                    allowed[name, :] = cells.all(axis=0)
                else:
                    allowed[:, name] = cells.all(axis=0)

    def class_matrix(self, port: int | str, protocol: Protocol) -> np.ndarray:
        """[src class, dst class] allowed, before self traffic is added; resolved ``fqdn:``
        classes folded (``_fold``)."""
        allowed = self._class_matrix(port, protocol)
        self._fold(allowed, self._tier_cache.get((port, protocol)))
        return allowed

    def _class_matrix(self, port: int | str, protocol: Protocol) -> np.ndarray:
        if self._calico is not None:
            calico, calico_codes = calico_class_matrix(
                self._calico, self.classes.reps, port, protocol
            )
            self._tier_cache[(port, protocol)] = calico_codes
            return calico
        (egress, ingress), codes = self.class_sides(port, protocol)
        externals = ~self.classes.is_endpoint
        allowed: np.ndarray = egress & ingress
        allowed[np.ix_(externals, externals)] = False
        if codes is not None:
            tiers = cell_tiers(allowed, (egress, codes[0]), (ingress, codes[1]))
            tiers[np.ix_(externals, externals)] = NO_TIER
            self._tier_cache[(port, protocol)] = tiers
        return allowed

    def span_patterns(
        self, protocol: Protocol, starts: Sequence[int]
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """[src class, dst class] a number into distinct rows of bits, in byte order, and
        the rows: bit k (eight to a byte, the first high) set where ``class_matrix(starts[k],
        protocol)`` allows the pair. Found for every port at once from each direction's
        groups, without a table per class pair; None with tiers, Cilium, Calico or resolved
        ``fqdn:`` classes, whose cells only ``class_matrix`` decides."""
        if self.has_tiers or self.cilium.active or self._folds:
            return None
        rules = self._rules
        return from_rules(
            rules["ingress"], rules["egress"], self.classes.is_endpoint, protocol, starts
        )

    def cached_class_matrix(
        self, port: int | str, protocol: Protocol, keep: bool = True
    ) -> np.ndarray:
        """``class_matrix``, computed once per port/protocol (read-only; computed without
        keeping it when ``keep`` is false and it is not kept yet)."""
        key = (port, protocol)
        if key in self._cache:
            return self._cache[key]
        allowed = self.class_matrix(port, protocol)
        allowed.setflags(write=False)
        if keep:
            self._cache[key] = allowed
        return allowed

    def class_tiers(self, port: int | str, protocol: Protocol) -> np.ndarray | None:
        """[src class, dst class] code of the deciding tier (None: no tiers)."""
        self.cached_class_matrix(port, protocol)
        return self._tier_cache.get((port, protocol))

    def sides_disagree(self, port: int | str, protocol: Protocol) -> np.ndarray:
        """[src class, dst class]: the egress end and the ingress end decide differently
        (with Calico, whose tiers order both ends together, every pair may)."""
        key = (port, protocol)
        if key not in self._disagree:
            if self._calico is not None:
                size = self.classes.size
                self._disagree[key] = np.ones((size, size), dtype=bool)
            else:
                (egress, ingress), _ = self.class_sides(port, protocol)
                disagree = egress != ingress
                for name, parts in self._folds:
                    disagree[name, :] = disagree[parts, :].any(axis=0)
                    disagree[:, name] = disagree[:, parts].any(axis=1)
                self._disagree[key] = disagree
        return self._disagree[key]

    def matrix(self, port: int | str, protocol: Protocol = "TCP") -> Matrix:
        """The full node matrix; class matrices are cached, the expansion is not."""
        key = (port, protocol)
        by_class = self.cached_class_matrix(port, protocol)
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
