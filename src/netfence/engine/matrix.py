"""The fast engine: whole connectivity matrices, vectorised over classes of alike endpoints.

Endpoints with the same namespace, labels, container ports and ipBlock membership are
indistinguishable to every policy, so each such class is evaluated once. Per direction, the
rules of all policies become two boolean matrices whose product says which rule admits which
(source, destination) class pair.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from netfence.engine.external import ExternalRange, block_set
from netfence.engine.labels import BoolVector, LabelTable
from netfence.engine.peers import IPBlockReading, Node
from netfence.engine.ports import resolve
from netfence.model import (
    Cluster,
    Direction,
    Endpoint,
    IPBlock,
    NetworkPolicy,
    Peer,
    PolicyPort,
    Protocol,
    Rule,
)


@dataclass(frozen=True, eq=False)
class Matrix:
    """Allowed connections for one port/protocol: ``allowed[i, j]`` is nodes[i] -> nodes[j]."""

    port: int | str
    protocol: Protocol
    nodes: tuple[Node, ...]
    allowed: np.ndarray
    _index: Mapping[str, int] = field(default_factory=dict, repr=False)

    def index(self, ident: str) -> int:
        """Position of the node called ``ident`` (KeyError when unknown)."""
        return self._index[ident]

    def cell(self, src_id: str, dst_id: str) -> bool:
        return bool(self.allowed[self.index(src_id), self.index(dst_id)])


@dataclass(frozen=True)
class _RuleEntry:
    """One rule of one policy, with the vector of classes its peers match."""

    policy: int
    rule: Rule
    peers: BoolVector


def _ip_membership(endpoints: Sequence[Endpoint], blocks: Sequence[IPBlock]) -> np.ndarray:
    """[endpoint, block]: whether any IP of the endpoint lies in the block."""
    member = np.zeros((len(endpoints), len(blocks)), dtype=bool)
    owners = [(i, ip) for i, e in enumerate(endpoints) for ip in e.ips]
    if not owners or not blocks:
        return member
    for version in (4, 6):
        rows = [i for i, ip in owners if ip.version == version]
        if not rows:
            continue
        values = [int(ip) for _, ip in owners if ip.version == version]
        numbers = np.array(values, dtype=np.uint64 if version == 4 else object)
        for column, block in enumerate(blocks):
            ranges = block_set(block).v4 if version == 4 else block_set(block).v6
            inside = np.zeros(len(rows), dtype=bool)
            for lo, hi in ranges:
                inside |= (numbers >= lo) & (numbers <= hi)
            np.logical_or.at(member[:, column], np.array(rows)[inside], True)
    return member


class MatrixEngine:
    """Whole matrices for one ipBlock reading; results are cached per port/protocol."""

    def __init__(
        self,
        cluster: Cluster,
        externals: Sequence[ExternalRange],
        reading: IPBlockReading,
    ) -> None:
        self.cluster = cluster
        self.nodes: tuple[Node, ...] = (*cluster.endpoints, *externals)
        self._index = {node.id: i for i, node in enumerate(self.nodes)}
        self._blocks = sorted(
            {
                peer.ip_block
                for policy in cluster.policies
                for rule in (*policy.ingress, *policy.egress)
                for peer in rule.peers
                if peer.ip_block is not None
            },
            key=str,
        )
        self._block_column = {block: i for i, block in enumerate(self._blocks)}
        self._classify(reading)
        self._vectors()
        self._cache: dict[tuple[int | str, Protocol], np.ndarray] = {}

    def _classify(self, reading: IPBlockReading) -> None:
        endpoints = self.cluster.endpoints
        membership = _ip_membership(endpoints, self._blocks)
        self.reading_matters = bool(membership.any())
        if reading == "ignore":
            membership[:] = False
        keys: dict[object, int] = {}
        reps: list[Node] = []
        rows: list[np.ndarray] = []
        class_of = np.empty(len(self.nodes), dtype=np.int64)
        for i, node in enumerate(self.nodes):
            if isinstance(node, ExternalRange):
                key: object = node.id
                row = np.array([b.contains(node.representative) for b in self._blocks], dtype=bool)
            else:
                row = membership[i]
                key = (node.namespace, node.labels, node.ports, row.tobytes())
            if key not in keys:
                keys[key] = len(reps)
                reps.append(node)
                rows.append(row)
            class_of[i] = keys[key]
        self._reps = reps
        self._class_of = class_of
        self._block_match = np.array(rows, dtype=bool).reshape(len(reps), len(self._blocks)).T

    def _vectors(self) -> None:
        reps = self._reps
        is_endpoint = np.array([isinstance(r, Endpoint) for r in reps], dtype=bool)
        self._is_endpoint = is_endpoint
        namespaces = [n.name for n in self.cluster.namespaces]
        extra = sorted({r.namespace for r in reps if isinstance(r, Endpoint)} - set(namespaces))
        namespaces += extra
        self._ns_index = {name: i for i, name in enumerate(namespaces)}
        self._ns_of = np.array(
            [self._ns_index[r.namespace] if isinstance(r, Endpoint) else -1 for r in reps],
            dtype=np.int64,
        )
        self._ns_table = LabelTable([self.cluster.namespace_labels(name) for name in namespaces])
        self._pod_table = LabelTable(
            [r.label_map if isinstance(r, Endpoint) else {} for r in reps], is_endpoint
        )
        policies = self.cluster.policies
        self._selected = [
            self._in_namespace(p.namespace) & self._pod_table.matches(p.pod_selector)
            for p in policies
        ]
        self._entries: dict[Direction, list[_RuleEntry]] = {}
        self._isolated: dict[Direction, BoolVector] = {}
        for direction in ("ingress", "egress"):
            isolated = np.zeros(len(reps), dtype=bool)
            entries: list[_RuleEntry] = []
            for index, policy in enumerate(policies):
                if direction not in policy.policy_types:
                    continue
                isolated |= self._selected[index]
                for rule in policy.rules(direction):
                    entries.append(_RuleEntry(index, rule, self._rule_peers(policy, rule)))
            self._isolated[direction] = isolated
            self._entries[direction] = entries

    def _in_namespace(self, namespace: str) -> BoolVector:
        inside: BoolVector = self._ns_of == self._ns_index.get(namespace, -2)
        return inside

    def _namespaces_matching(self, peer: Peer) -> BoolVector:
        assert peer.namespace_selector is not None
        by_namespace = self._ns_table.matches(peer.namespace_selector)
        per_class: BoolVector = np.append(by_namespace, False)[self._ns_of]
        return per_class

    def _rule_peers(self, policy: NetworkPolicy, rule: Rule) -> BoolVector:
        if not rule.peers:
            return np.ones(len(self._reps), dtype=bool)
        matched = np.zeros(len(self._reps), dtype=bool)
        for peer in rule.peers:
            if peer.ip_block is not None:
                matched |= self._block_match[self._block_column[peer.ip_block]]
                continue
            if peer.pod_selector is None and peer.namespace_selector is None:
                continue
            if peer.namespace_selector is None:
                mask = self._in_namespace(policy.namespace)
            else:
                mask = self._namespaces_matching(peer)
            if peer.pod_selector is not None:
                mask = mask & self._pod_table.matches(peer.pod_selector)
            matched |= mask & self._is_endpoint
        return matched

    def _resolved(self, port: int | str, protocol: Protocol) -> np.ndarray:
        """The queried port's number at each destination class (-1: name not served)."""
        numbers = [resolve(port, protocol, rep) for rep in self._reps]
        return np.array([-1 if n is None else n for n in numbers], dtype=np.int64)

    def _port_admits(
        self, policy_port: PolicyPort, protocol: Protocol, resolved: np.ndarray
    ) -> BoolVector:
        if policy_port.protocol != protocol:
            return np.zeros(len(self._reps), dtype=bool)
        if policy_port.port is None:
            return resolved >= 0
        if isinstance(policy_port.port, int):
            last = policy_port.end_port if policy_port.end_port is not None else policy_port.port
            return (resolved >= policy_port.port) & (resolved <= last)
        name = policy_port.port
        return np.array(
            [
                isinstance(rep, Endpoint) and int(n) in rep.named_ports(name, protocol)
                for rep, n in zip(self._reps, resolved, strict=True)
            ],
            dtype=bool,
        )

    def _rule_ports(self, rule: Rule, protocol: Protocol, resolved: np.ndarray) -> BoolVector:
        if not rule.ports:
            return resolved >= 0
        admitted = np.zeros(len(self._reps), dtype=bool)
        for policy_port in rule.ports:
            admitted |= self._port_admits(policy_port, protocol, resolved)
        return admitted

    def _admitted(
        self, direction: Direction, protocol: Protocol, resolved: np.ndarray
    ) -> np.ndarray:
        """[src class, dst class]: whether some rule of this direction admits the pair."""
        size = len(self._reps)
        left: list[BoolVector] = []
        right: list[BoolVector] = []
        for entry in self._entries[direction]:
            ports = self._rule_ports(entry.rule, protocol, resolved)
            selected = self._selected[entry.policy]
            if direction == "ingress":
                src, dst = entry.peers, selected & ports
            else:
                src, dst = selected, entry.peers & ports
            if src.any() and dst.any():
                left.append(src)
                right.append(dst)
        if not left:
            return np.zeros((size, size), dtype=bool)
        a = np.array(left, dtype=np.float32).T
        b = np.array(right, dtype=np.float32)
        product: np.ndarray = (a @ b) > 0
        return product

    def class_matrix(self, port: int | str, protocol: Protocol) -> np.ndarray:
        """[src class, dst class] allowed, before self traffic is added."""
        resolved = self._resolved(port, protocol)
        ingress = (
            self._admitted("ingress", protocol, resolved) | ~self._isolated["ingress"][None, :]
        )
        egress = self._admitted("egress", protocol, resolved) | ~self._isolated["egress"][:, None]
        allowed: np.ndarray = ingress & egress & (resolved >= 0)[None, :]
        externals = ~self._is_endpoint
        allowed[np.ix_(externals, externals)] = False
        return allowed

    def matrix(self, port: int | str, protocol: Protocol = "TCP") -> Matrix:
        """The full node matrix; class matrices are cached, the expansion is not."""
        key = (port, protocol)
        if key not in self._cache:
            self._cache[key] = self.class_matrix(port, protocol)
        allowed = self._cache[key][np.ix_(self._class_of, self._class_of)]
        count = len(self.cluster.endpoints)
        allowed[np.arange(count), np.arange(count)] = True
        return Matrix(port, protocol, self.nodes, allowed, self._index)
