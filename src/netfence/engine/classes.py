"""Classes of nodes that every policy treats alike, and selectors as vectors over them.

Endpoints with the same namespace, labels, container ports and ipBlock membership are
indistinguishable to every rule, so each class is evaluated once; each external range is a class.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from netfence.engine.cilium_match import cilium_class_keys
from netfence.engine.domains import block_covers_domain
from netfence.engine.external import ExternalRange, block_set
from netfence.engine.labels import BoolVector, LabelTable
from netfence.engine.peers import Node
from netfence.engine.ports import resolve
from netfence.engine.tier_match import tier_class_keys
from netfence.model import Cluster, Endpoint, IPBlock, LabelSelector, NetworkPolicy, Protocol, Rule
from netfence.vocabulary import IPBlockReading


class AddressTable:
    """The endpoints' IPs as numbers, read once, for asking which lie in a block."""

    def __init__(self, endpoints: Sequence[Endpoint]) -> None:
        self.size = len(endpoints)
        owners = [(i, ip) for i, e in enumerate(endpoints) for ip in e.ips]
        self._by_version: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        for version in (4, 6):
            rows = np.array([i for i, ip in owners if ip.version == version], dtype=np.int64)
            values = [int(ip) for _, ip in owners if ip.version == version]
            numbers = np.array(values, dtype=np.uint64 if version == 4 else object)
            self._by_version[version] = rows, numbers

    def membership(self, blocks: Sequence[IPBlock]) -> np.ndarray:
        """[endpoint, block]: whether any IP of the endpoint lies in the block."""
        member = np.zeros((self.size, len(blocks)), dtype=bool)
        for version, (rows, numbers) in self._by_version.items():
            if not len(rows):
                continue
            for column, block in enumerate(blocks):
                ranges = block_set(block).v4 if version == 4 else block_set(block).v6
                inside = np.zeros(len(rows), dtype=bool)
                for lo, hi in ranges:
                    inside |= (numbers >= lo) & (numbers <= hi)
                member[rows[inside], column] = True
        return member


class NodeClasses:
    """The classes of ``nodes`` (endpoints, then externals) under one ipBlock reading."""

    def __init__(
        self, cluster: Cluster, externals: Sequence[ExternalRange], reading: IPBlockReading
    ) -> None:
        self.cluster = cluster
        self.nodes: tuple[Node, ...] = (*cluster.endpoints, *externals)
        self.node_index = {node.id: i for i, node in enumerate(self.nodes)}
        self._blocks = cluster.ip_blocks()
        self._block_column = {block: i for i, block in enumerate(self._blocks)}
        membership = AddressTable(cluster.endpoints).membership(self._blocks)
        self.reading_matters = bool(membership.any())
        if reading == "ignore":
            membership[:] = False
        self._classify(membership)
        self.is_endpoint = np.array([isinstance(r, Endpoint) for r in self.reps], dtype=bool)
        self._label_tables()
        signatures: dict[object, int] = {}
        self.port_signature = np.array(
            [
                signatures.setdefault(r.ports if isinstance(r, Endpoint) else None, len(signatures))
                for r in self.reps
            ],
            dtype=np.int64,
        )
        self._named: dict[tuple[str, Protocol], np.ndarray] = {}

    @property
    def size(self) -> int:
        return len(self.reps)

    def index(self, ident: str) -> int:
        """Position of the node called ``ident`` in ``nodes``."""
        return self.node_index[ident]

    def _classify(self, membership: np.ndarray) -> None:
        keys: dict[object, int] = {}
        self.reps: list[Node] = []
        rows: list[np.ndarray] = []
        self.class_of = np.empty(len(self.nodes), dtype=np.int64)
        tier_keys = tier_class_keys(self.cluster, self.nodes)
        cilium_keys = cilium_class_keys(self.cluster, self.nodes)
        for i, node in enumerate(self.nodes):
            if isinstance(node, ExternalRange):
                key: object = node.id
                row = np.array(
                    [
                        block_covers_domain(b) if node.domain else b.contains(node.representative)
                        for b in self._blocks
                    ],
                    dtype=bool,
                )
            else:
                row = membership[i]
                key = (
                    node.namespace,
                    node.labels,
                    node.ports,
                    row.tobytes(),
                    tier_keys[i],
                    cilium_keys[i],
                )
            if key not in keys:
                keys[key] = len(self.reps)
                self.reps.append(node)
                rows.append(row)
            self.class_of[i] = keys[key]
        self._block_match = np.array(rows, dtype=bool).reshape(len(rows), len(self._blocks)).T

    def _label_tables(self) -> None:
        namespaces = [n.name for n in self.cluster.namespaces]
        namespaces += sorted(
            {r.namespace for r in self.reps if isinstance(r, Endpoint)} - set(namespaces)
        )
        self._ns_index = {name: i for i, name in enumerate(namespaces)}
        self._ns_of = np.array(
            [self._ns_index[r.namespace] if isinstance(r, Endpoint) else -1 for r in self.reps],
            dtype=np.int64,
        )
        self._ns_table = LabelTable([self.cluster.namespace_labels(n) for n in namespaces])
        self._pod_table = LabelTable(
            [r.label_map if isinstance(r, Endpoint) else {} for r in self.reps], self.is_endpoint
        )

    def in_namespace(self, namespace: str) -> BoolVector:
        inside: BoolVector = self._ns_of == self._ns_index.get(namespace, -2)
        return inside

    def namespace_vector(self, selector: LabelSelector) -> BoolVector:
        """Endpoint classes whose namespace ``selector`` matches."""
        by_namespace = self._ns_table.matches(selector)
        matched: BoolVector = np.append(by_namespace, False)[self._ns_of]
        return matched

    def pod_vector(self, selector: LabelSelector) -> BoolVector:
        """Endpoint classes whose pod labels ``selector`` matches."""
        matched: BoolVector = self._pod_table.matches(selector)
        return matched

    def selected(self, policy: NetworkPolicy) -> BoolVector:
        """Classes the policy's podSelector selects."""
        chosen: BoolVector = self.in_namespace(policy.namespace) & self._pod_table.matches(
            policy.pod_selector
        )
        return chosen

    def peers(self, policy: NetworkPolicy, rule: Rule) -> BoolVector:
        """Classes some peer of ``rule`` matches (all of them when it has no peers)."""
        if not rule.peers:
            return np.ones(self.size, dtype=bool)
        matched = np.zeros(self.size, dtype=bool)
        for peer in rule.peers:
            if peer.ip_block is not None:
                matched |= self._block_match[self._block_column[peer.ip_block]]
                continue
            if peer.pod_selector is None and peer.namespace_selector is None:
                continue
            if peer.namespace_selector is None:
                mask = self.in_namespace(policy.namespace)
            else:
                by_namespace = self._ns_table.matches(peer.namespace_selector)
                mask = np.append(by_namespace, False)[self._ns_of]
            if peer.pod_selector is not None:
                mask = mask & self._pod_table.matches(peer.pod_selector)
            matched |= mask & self.is_endpoint
        return matched

    def resolved(self, port: int | str, protocol: Protocol) -> np.ndarray:
        """The queried port's number at each class (-1 where a port name is not served)."""
        if isinstance(port, int):
            return np.full(self.size, port, dtype=np.int64)
        numbers = [resolve(port, protocol, rep) for rep in self.reps]
        return np.array([-1 if n is None else n for n in numbers], dtype=np.int64)

    def named_ports(self, name: str, protocol: Protocol) -> np.ndarray:
        """[class, k]: numbers each class serves under ``name`` (padded with -1)."""
        key = (name, protocol)
        if key not in self._named:
            numbers = [
                rep.named_ports(name, protocol) if isinstance(rep, Endpoint) else ()
                for rep in self.reps
            ]
            table = np.full((self.size, max(map(len, numbers), default=0) or 1), -1)
            for row, served in enumerate(numbers):
                table[row, : len(served)] = served
            self._named[key] = table
        return self._named[key]
