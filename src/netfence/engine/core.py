"""The Engine: one object every command asks about connectivity."""

from __future__ import annotations

import ipaddress
import operator
from collections.abc import Mapping, Sequence
from dataclasses import replace
from functools import cached_property, reduce

import numpy as np

from netfence.engine.addresses import AddressClass, address_classes, placement_notes, pod_cidr
from netfence.engine.cilium_externals import cilium_blocks, cilium_options
from netfence.engine.domains import domain_externals
from netfence.engine.external import ExternalRange, partition
from netfence.engine.intervals import PortSet
from netfence.engine.matrix import Matrix
from netfence.engine.options import EngineOptions
from netfence.engine.origins import with_origins
from netfence.engine.peers import Node
from netfence.engine.placed_matrix import PlacedMatrices
from netfence.engine.port_table import PortPatterns, PortTables
from netfence.engine.query_cells import QueryCells
from netfence.engine.reference import Reference, other_reading
from netfence.engine.resolution import address_nodes, networks, with_names
from netfence.engine.rows import on_joint
from netfence.engine.selection import by_namespace, isolating
from netfence.engine.tier_match import tier_cidrs
from netfence.engine.verdict import Verdict
from netfence.model import Cluster, Direction, Endpoint, NetworkPolicy, Protocol

Connections = dict[Protocol, PortSet]


class Engine:
    """Connectivity of a cluster: verdicts with reasons, matrices, exact port sets."""

    def __init__(self, cluster: Cluster, options: EngineOptions | None = None) -> None:
        self.cluster = cluster
        self.options = cilium_options(cluster, options or EngineOptions())
        self.endpoints: tuple[Endpoint, ...] = cluster.endpoints
        resolved = self.options.resolved
        extra = (*self.options.extra_cidrs, *tier_cidrs(cluster), *networks(resolved))
        ranges = with_origins(
            partition(
                [*cluster.ip_blocks(), *cilium_blocks(cluster)],
                extra,
                (ip for e in self.endpoints for ip in e.ips),
            ),
            cluster,
        )
        self.externals: tuple[ExternalRange, ...] = with_names(ranges, resolved) + domain_externals(
            cluster, (r.name for r in resolved)
        )
        self.resolved_addresses = address_nodes(self.externals, resolved)
        """``fqdn:NAME`` id -> its addresses' range ids (``--resolve``)."""
        nodes: tuple[Node, ...] = (*self.endpoints, *self.externals)
        self._by_id = {node.id: node for node in nodes}
        self.pod_cidr = pod_cidr(self.options.pod_cidrs, cluster)
        self.addresses: tuple[AddressClass, ...] = address_classes(self.pod_cidr, cluster)
        self.placement_notes = placement_notes(self.pod_cidr, cluster)
        self._reference = Reference(cluster, self.options.ipblock_pods, self.pod_cidr)
        self._connections: dict[tuple[int, int], tuple[Connections, Connections]] = {}
        self._selecting: dict[tuple[int, Direction], tuple[NetworkPolicy, ...]] = {}
        self._verdicts: dict[tuple[int, int, int | str, Protocol], Verdict] = {}
        self._patterns: dict[Protocol, PortPatterns] = {}

    @cached_property
    def _matrices(self) -> PlacedMatrices:
        reading = self.options.ipblock_pods
        return PlacedMatrices(
            self.cluster, self.externals, reading, self.addresses, self.resolved_addresses
        )

    @cached_property
    def _port_tables(self) -> PortTables:
        """Ports between classes for bulk questions (Calico's ordered tiers and resolved
        names are asked of the reference instead)."""
        return PortTables(self._matrices, self.cluster)

    @cached_property
    def _other_matrices(self) -> PlacedMatrices:
        reading = other_reading(self.options.ipblock_pods)
        return PlacedMatrices(
            self.cluster, self.externals, reading, self.addresses, self.resolved_addresses
        )

    @property
    def node_index(self) -> Mapping[str, int]:
        """Each node's position in ``node_classes`` (endpoints, then externals), by id."""
        return self._matrices.node_index

    def node_class(self, node: Node) -> int:
        """The class of ``node``: nodes of one class get the same connections to and from
        every other node (the same namespace, labels, ports and ipBlock membership)."""
        matrices = self._matrices
        return int(matrices.class_of[matrices.node_index[node.id]])

    def find(self, ident: str) -> Node | None:
        """An endpoint (``ns/name``), an external range (its id, its name, or ``E<k>`` as
        analyze numbers them), or whatever owns an IP."""
        if ident in self._by_id:
            return self._by_id[ident]
        external = self._external_label(ident)
        if external is not None:
            return external
        try:
            ip = ipaddress.ip_address(ident)
        except ValueError:
            return None
        for endpoint in self.endpoints:
            if ip in endpoint.ips:
                return endpoint
        return next((e for e in self.externals if ip in e), None)

    def _external_label(self, label: str) -> ExternalRange | None:
        """``E2`` (the second external range, as analyze labels them) or a range's name."""
        number = label[1:] if label[:1] in ("E", "e") else ""
        if number.isdigit() and 1 <= int(number) <= len(self.externals):
            return self.externals[int(number) - 1]
        return next((x for x in self.externals if x.name.lower() == label.lower()), None)

    def _node(self, node: Node | str) -> Node:
        if not isinstance(node, str):
            return node
        found = self.find(node)
        if found is None:
            raise LookupError(f"unknown endpoint {node!r}")
        return found

    def verdict(
        self, src: Node | str, dst: Node | str, port: int | str, protocol: Protocol = "TCP"
    ) -> Verdict:
        """Whether ``src`` may connect to ``dst`` on ``port``/``protocol``, with the reasons.
        A resolved ``fqdn:`` end gets the verdict of its first address that refuses (else of
        its first address), saying so."""
        source, target = self._node(src), self._node(dst)
        pairs = self._address_pairs(source, target)
        if not pairs:
            return self._reference.verdict(source, target, port, protocol)
        answers = [self._reference.verdict(a, b, port, protocol) for a, b in pairs]
        chosen = next((v for v in answers if not v.allowed), answers[0])
        named = target if target.id in self.resolved_addresses else source
        address = chosen.dst if named is target else chosen.src
        entry = next(r for r in self.options.resolved if f"fqdn:{r.name}" == named.id)
        how = "every address is allowed" if chosen.allowed else f"{address} is refused"
        resolution = (
            f"{named.id} resolves to {entry.text} ({entry.origin}): {how}; "
            f"the verdict is that of {address}"
        )
        return replace(chosen, src=source.id, dst=target.id, resolution=resolution)

    def _address_pairs(self, source: Node, target: Node) -> list[tuple[Node, Node]]:
        """For a resolved ``fqdn:`` end, the same pair with each of its addresses instead."""
        addresses = self.resolved_addresses
        if target.id in addresses and source != target:
            return [(source, self._by_id[i]) for i in addresses[target.id]]
        if source.id in addresses and source != target:
            return [(self._by_id[i], target) for i in addresses[source.id]]
        return []

    def class_verdict(
        self, src: Node, dst: Node, port: int | str, protocol: Protocol = "TCP"
    ) -> Verdict:
        """``verdict`` asked once per pair of classes: every pair of the same two classes gets
        the first one's answer (its decisions and rules; the node names are the first's)."""
        if src == dst:
            return self.verdict(src, dst, port, protocol)
        key = (self.node_class(src), self.node_class(dst), port, protocol)
        if key not in self._verdicts:
            self._verdicts[key] = self.verdict(src, dst, port, protocol)
        return self._verdicts[key]

    def matrix(self, port: int | str, protocol: Protocol = "TCP") -> Matrix:
        """Every node pair for one port/protocol (endpoints first, then externals)."""
        return self._matrices.matrix(port, protocol)

    def reading_decided(self, port: int | str, protocol: Protocol = "TCP") -> np.ndarray:
        """[src, dst] cells whose verdict the other ipBlock reading would flip (or make depend
        on an address, or not)."""
        if not self._matrices.reading_matters:
            return np.zeros((len(self._matrices.nodes),) * 2, dtype=bool)
        this = self._matrices.matrix(port, protocol)
        other = self._other_matrices.matrix(port, protocol)
        flipped: np.ndarray = this.allowed != other.allowed
        if this.depends is not None and other.depends is not None:
            flipped |= this.depends != other.depends
        return flipped

    @cached_property
    def _joint(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The class of every node under both ipBlock readings at once, and each such joint
        class's class under this reading and under the other."""
        this_of = self._matrices.class_of
        other_of = self._other_matrices.class_of if self.reading_matters else this_of
        unique, inverse = np.unique(
            np.stack([this_of, other_of], axis=1), axis=0, return_inverse=True
        )
        return inverse.reshape(-1), unique[:, 0], unique[:, 1]

    def query_cells(self, port: int | str, protocol: Protocol = "TCP") -> QueryCells:
        """``matrix`` and ``reading_decided`` on joint classes (nodes both readings treat
        alike), for distinct nodes: what a pod x pod matrix holds, without building it."""
        joint, this_pick, other_pick = self._joint
        this = self._matrices
        every, some = this.cells(port, protocol)
        allowed = on_joint(every, this_pick)
        depends = None if this.single else on_joint(some & ~every, this_pick)
        codes = this.class_tiers(port, protocol)
        decided = np.zeros_like(allowed)
        if self.reading_matters:
            other_every, other_some = self._other_matrices.cells(port, protocol)
            decided = allowed != on_joint(other_every, other_pick)
            if depends is not None:
                decided |= depends != on_joint(other_some & ~other_every, other_pick)
        tiers = None if codes is None else on_joint(codes, this_pick)
        return QueryCells(
            port, protocol, joint, len(self.endpoints), allowed, decided, tiers, depends
        )

    def connections(self, src: Node | str, dst: Node | str) -> dict[Protocol, PortSet]:
        """Exact allowed ports per protocol from ``src`` to ``dst`` (with an end without an
        IP: the ports allowed at some of its addresses in the pod CIDR).

        Computed once per pair of node classes (nodes every rule treats alike), so asking for
        every pair of a large cluster stays cheap; traffic to itself is never filtered.
        """
        return self._placed_connections(src, dst)[0]

    def certain_connections(self, src: Node | str, dst: Node | str) -> dict[Protocol, PortSet]:
        """``connections`` allowed wherever in the pod CIDR the ends without an IP are."""
        return self._placed_connections(src, dst)[1]

    def _placed_connections(
        self, src: Node | str, dst: Node | str
    ) -> tuple[Connections, Connections]:
        source, target = self._node(src), self._node(dst)
        if source == target:
            return self._reference.placed_connections(source, target)
        key = (self.node_class(source), self.node_class(target))
        if key not in self._connections:
            pairs = self._address_pairs(source, target)
            if not pairs and not self.cluster.calico.active:
                self._connections[key] = self._port_tables.connections(*key)
                return self._connections[key]
            found = [
                self._reference.placed_connections(a, b) for a, b in pairs or [(source, target)]
            ]
            self._connections[key] = (
                _common([some for some, _ in found]),
                _common([every for _, every in found]),
            )
        return self._connections[key]

    def port_patterns(self, protocol: Protocol) -> PortPatterns:
        """Ports of ``protocol`` between distinct nodes of every two classes (``node_class``),
        as numbers into the distinct port sets (at some placement and at every one)."""
        if protocol in self._patterns:
            return self._patterns[protocol]
        if self.cluster.calico.active:
            size = self._matrices.size
            empty = np.zeros((size, size), dtype=np.int64)
            found = PortPatterns(protocol, empty, empty, (PortSet(),))
            redo: Sequence[int] = range(size)
        else:
            found = self._port_tables.patterns(protocol)
            redo = sorted({self.node_class(self._by_id[i]) for i in self.resolved_addresses})
        if redo:
            found = self._patterns_of_pairs(found, redo)
        self._patterns[protocol] = found
        return found

    def _patterns_of_pairs(self, found: PortPatterns, classes: Sequence[int]) -> PortPatterns:
        """``found`` with the rows and columns of ``classes`` asked pair by pair (Calico's
        ordered tiers, names resolved to addresses); a class of one node has no pair with
        itself, and keeps its cell."""
        members: dict[int, list[Node]] = {}
        nodes: tuple[Node, ...] = (*self.endpoints, *self.externals)
        for node, number in zip(nodes, self._matrices.class_of.tolist(), strict=True):
            if len(members.setdefault(number, [])) < 2:
                members[number].append(node)
        sets = list(found.sets)
        numbers = {ports: k for k, ports in enumerate(sets)}
        some, every = found.some.astype(np.int64), found.every.astype(np.int64)
        chosen = set(classes)
        for a, a_nodes in members.items():
            for b, b_nodes in members.items():
                if a not in chosen and b not in chosen:
                    continue
                pair = (a_nodes[0], b_nodes[0]) if a != b else tuple(a_nodes)
                if len(pair) < 2:
                    continue
                placed = self._placed_connections(pair[0], pair[1])
                for table, ports in ((some, placed[0]), (every, placed[1])):
                    port_set = ports[found.protocol]
                    if port_set not in numbers:
                        numbers[port_set] = len(sets)
                        sets.append(port_set)
                    table[a, b] = numbers[port_set]
        return PortPatterns(found.protocol, some, every, tuple(sets))

    def connections_within(self, endpoint: Endpoint) -> tuple[Connections, Connections]:
        """Exact allowed ports from ``endpoint`` to another pod of its class (same namespace,
        labels and ports; no IP): what a possible witness stands for between two pods, at
        some of their addresses and at every one."""
        twin = replace(endpoint, name=f"{endpoint.name}~twin", ips=())
        return self._reference.placed_connections(endpoint, twin)

    def selecting(self, endpoint: Endpoint, direction: Direction) -> tuple[NetworkPolicy, ...]:
        """Policies that select ``endpoint`` and isolate it in ``direction`` (asked once per
        class: endpoints of one class have the same namespace and labels)."""
        policies = self._policies_in.get(endpoint.namespace, ())
        if endpoint.id not in self._matrices.node_index:
            return isolating(policies, endpoint, direction)
        key = (self.node_class(endpoint), direction)
        if key not in self._selecting:
            self._selecting[key] = isolating(policies, endpoint, direction)
        return self._selecting[key]

    @cached_property
    def _policies_in(self) -> dict[str, tuple[NetworkPolicy, ...]]:
        return by_namespace(self.cluster.policies)

    def node_classes(self, other_reading: bool = False) -> np.ndarray:
        """The class of every node (endpoints, then externals) under this engine's ipBlock
        reading or the other one."""
        matrices = self._other_matrices if other_reading else self._matrices
        return matrices.class_of

    @property
    def reading_matters(self) -> bool:
        """Whether some ipBlock holds an endpoint's address (the readings can differ)."""
        return self._matrices.reading_matters

    def class_allowed(
        self, port: int | str, protocol: Protocol = "TCP", other_reading: bool = False
    ) -> np.ndarray:
        """[src class, dst class] (see ``node_class``, or ``node_classes(other_reading)``):
        whether distinct nodes of the two classes may connect on ``port``/``protocol``."""
        matrices = self._other_matrices if other_reading else self._matrices
        return matrices.cached_class_matrix(port, protocol)

    def class_possible(
        self, port: int | str, protocol: Protocol = "TCP", keep: bool = True
    ) -> np.ndarray:
        """``class_allowed`` at some addresses of the ends without an IP (a superset); kept
        for the next ask unless ``keep`` is false."""
        return self._matrices.cells(port, protocol, keep)[1]

    def sides_disagree(self, port: int | str, protocol: Protocol = "TCP") -> np.ndarray:
        """[src class, dst class]: one end's policies allow the connection and the other's
        refuse it (what makes a flow one-sided)."""
        return self._matrices.sides_disagree(port, protocol)


def _common(found: list[Connections]) -> Connections:
    """The ports allowed in every one of ``found`` (a resolved name's addresses)."""
    return {protocol: reduce(operator.and_, (f[protocol] for f in found)) for protocol in found[0]}
