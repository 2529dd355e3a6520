"""Cilium's rules in the NetworkPolicy tier as matrices over node classes (the fast path;
``cilium_side`` is the spec).

Most peers are class vectors; the parts that depend on the subject too (``host`` versus
``remote-node``, and ``toFQDNs``, which match only where the subject's lookups are visible)
are [subject class, peer class] matrices.
"""

from __future__ import annotations

import numpy as np

from netfence.engine.cilium_fqdn import covers
from netfence.engine.cilium_match import (
    CiliumView,
    identity_labels,
    is_apiserver,
    is_cilium_endpoint,
)
from netfence.engine.classes import NodeClasses
from netfence.engine.external import ExternalRange
from netfence.engine.labels import LabelTable
from netfence.model import Direction, Endpoint, Protocol
from netfence.model.cilium import CiliumPeer, CiliumRule, CiliumSelector

NO_NODE, UNKNOWN_NODE = -1, -2


class CiliumMatrices:
    """Which side decisions Cilium's rules make, for whole matrices."""

    def __init__(self, classes: NodeClasses) -> None:
        self.classes = classes
        self.view = CiliumView(classes.cluster)
        self.active = bool(self.view.policies)
        if not self.active:
            return
        reps = classes.reps
        self._pods = np.array([is_cilium_endpoint(r) for r in reps], dtype=bool)
        self._identity = LabelTable(
            [identity_labels(r) if isinstance(r, Endpoint) else {} for r in reps], self._pods
        )
        names: dict[str, int] = {}
        here = [
            names.setdefault(r.node_name, len(names))
            if isinstance(r, Endpoint) and r.node_name
            else NO_NODE
            for r in reps
        ]
        there: list[int] = []
        for rep in reps:
            node = self.view.node_of(rep)
            there.append(
                NO_NODE
                if node is None
                else names.setdefault(node, len(names))
                if node
                else UNKNOWN_NODE
            )
        here_a, there_a = np.array(here), np.array(there)
        self._nodeish = there_a != NO_NODE
        self._same_node = (here_a[:, None] == there_a[None, :]) & (here_a >= 0)[:, None]
        self._world = np.array([self.view.is_world(r) for r in reps], dtype=bool)
        self._slots = [
            (i, name)
            for i, r in enumerate(reps)
            if isinstance(r, ExternalRange)
            for name in r.domains
        ]
        self._visible = self._visibility()

    def _selection(self, selection: CiliumSelector) -> np.ndarray:
        if selection.never:
            return np.zeros(self.classes.size, dtype=bool)
        chosen: np.ndarray = (
            self._pods
            & self.classes.namespace_vector(selection.namespaces)
            & self._identity.matches(selection.pods)
        )
        return chosen

    def _covered(self, patterns: tuple[str, ...]) -> np.ndarray:
        """[slot]: whether some pattern covers the slot's name."""
        return np.array(
            [any(covers(p, name) for p in patterns) for _, name in self._slots], dtype=bool
        )

    def _visibility(self) -> np.ndarray:
        """[subject class, slot]: whether Cilium's DNS proxy sees the lookups of the slot's
        name (a slot: an ``fqdn:`` class's name, or a name resolved to an address class)."""
        visible = np.zeros((self.classes.size, len(self._slots)), dtype=bool)
        for policy in self.view.policies:
            patterns = tuple(p for r in policy.egress if r.action == "Allow" for p in r.dns)
            if patterns:
                visible |= (
                    self._selection(policy.subject)[:, None] & self._covered(patterns)[None, :]
                )
        return visible

    def _fqdn_matrix(self, covered: np.ndarray) -> np.ndarray:
        """[subject class, other class]: some covered slot of the other class is visible."""
        size = self.classes.size
        matrix = np.zeros((size, size), dtype=bool)
        for slot in np.flatnonzero(covered):
            matrix[:, self._slots[slot][0]] |= self._visible[:, slot]
        return matrix

    def _entity(self, entity: str) -> tuple[np.ndarray, bool, bool]:
        """Classes an entity matches regardless of the subject, and whether it also matches
        the subject's own node (host) or the other nodes (remote-node)."""
        reps = self.classes.reps
        size = self.classes.size
        if entity == "all":
            return np.ones(size, dtype=bool), False, False
        if entity == "world":
            return self._world.copy(), False, False
        if entity in ("world-ipv4", "world-ipv6"):
            wanted = 4 if entity == "world-ipv4" else 6
            family = np.array(
                [
                    isinstance(r, ExternalRange) and (bool(r.domain) or r.version == wanted)
                    for r in reps
                ],
                dtype=bool,
            )
            return self._world & family, False, False
        if entity == "cluster":
            return self.classes.is_endpoint | self._nodeish, False, False
        if entity == "kube-apiserver":
            return np.array([is_apiserver(r) for r in reps], dtype=bool), False, False
        return np.zeros(size, dtype=bool), entity == "host", entity == "remote-node"

    def _peer_matrix(self, rule: CiliumRule) -> np.ndarray:
        """[subject class, other class]: whether some peer of the rule matches."""
        size = self.classes.size
        if rule.wildcard:
            return np.ones((size, size), dtype=bool)
        base = np.zeros(size, dtype=bool)
        host = remote = False
        fqdn = np.zeros(len(self._slots), dtype=bool)
        for peer in rule.peers:
            if peer.kind == "endpoints":
                assert peer.selector is not None
                base |= self._selection(peer.selector)
            elif peer.kind == "entities":
                for entity in peer.entities:
                    matched, is_host, is_remote = self._entity(entity)
                    base |= matched
                    host, remote = host or is_host, remote or is_remote
            elif peer.kind == "cidrs":
                base |= self._cidrs(peer)
            else:
                fqdn |= self._covered(peer.fqdns)
        matrix = np.broadcast_to(base[None, :], (size, size)).copy()
        if host:
            matrix |= self._same_node & self._nodeish[None, :]
        if remote:
            matrix |= ~self._same_node & self._nodeish[None, :]
        if fqdn.any():
            matrix |= self._fqdn_matrix(fqdn)
        return matrix

    def _cidrs(self, peer: CiliumPeer) -> np.ndarray:
        out = np.zeros(self.classes.size, dtype=bool)
        for i, rep in enumerate(self.classes.reps):
            if self._world[i] and isinstance(rep, ExternalRange):
                out[i] = self.view.peer_matches(peer, rep, rep)
        return out

    def _port_admits(
        self, rule: CiliumRule, protocol: Protocol, resolved: np.ndarray
    ) -> np.ndarray:
        """[class]: whether the rule's ports admit the queried port at each destination."""
        served = resolved >= 0
        if rule.ports is None:
            return served
        admits = np.zeros(len(resolved), dtype=bool)
        for entry in rule.ports:
            if entry.protocol != protocol:
                continue
            if entry.name is not None:
                table = self.classes.named_ports(entry.name, protocol)
                admits |= (table == resolved[:, None]).any(axis=1) & served
            else:
                admits |= (entry.low <= resolved) & (resolved <= entry.high)
        return admits

    def side(
        self,
        direction: Direction,
        networkpolicy: np.ndarray,
        isolated: np.ndarray,
        protocol: Protocol,
        resolved: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray]:
        """[src class, dst class]: the NetworkPolicy tier's decision with Cilium's rules
        joined to the Kubernetes one, and where the tier decided (isolated or denied)."""
        size = self.classes.size
        allow = np.zeros((size, size), dtype=bool)
        deny = np.zeros((size, size), dtype=bool)
        cilium_isolated = np.zeros(size, dtype=bool)
        for policy in self.view.policies:
            subject = self._selection(policy.subject)
            if not subject.any():
                continue
            if direction in policy.default_deny:
                cilium_isolated |= subject
            for rule in policy.rules(direction):
                peers = self._peer_matrix(rule) & subject[:, None]
                ports = self._port_admits(rule, protocol, resolved)
                matched = (
                    peers & ports[None, :] if direction == "egress" else peers.T & ports[None, :]
                )
                if rule.action == "Deny":
                    deny |= matched
                else:
                    allow |= matched
        if direction == "egress":
            extra_isolated = np.broadcast_to(cilium_isolated[:, None], (size, size))
            localhost = np.zeros((size, size), dtype=bool)
        else:
            extra_isolated = np.broadcast_to(cilium_isolated[None, :], (size, size))
            localhost = (self._same_node & self._nodeish[None, :]).T & self._pods[None, :]
        admitted = networkpolicy & isolated
        every_isolated = isolated | extra_isolated
        allowed = (~every_isolated | admitted | allow | localhost) & ~deny
        return allowed, every_isolated | deny
