"""The tiers as matrices over node classes (the fast path; ``tiers`` is the spec)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from netfence.engine.classes import NodeClasses
from netfence.engine.tier_match import peer_matches
from netfence.engine.tiers import ordered
from netfence.model import Direction, Endpoint, LabelSelector, Protocol
from netfence.model.tiers import Tier, TierPeer, TierRule

# Codes of the deciding tier in matrices (CALICO: one of Calico's tiers).
NO_TIER, ADMIN, BASELINE, CALICO = 0, 1, 2, 3
TIER_NAMES = {ADMIN: "Admin", BASELINE: "Baseline", CALICO: "Calico"}


@dataclass(frozen=True)
class _Rules:
    """One tier's rules of one direction as class vectors, in evaluation order."""

    subjects: np.ndarray
    peers: np.ndarray
    rules: tuple[TierRule, ...]


class TierMatrices:
    """The tiers over node classes: which side decisions they make, for whole matrices."""

    def __init__(self, classes: NodeClasses) -> None:
        self.classes = classes
        self.cluster = classes.cluster
        self.active = bool(self.cluster.tier_policies)
        reps = classes.reps
        self._host = np.array([isinstance(r, Endpoint) and r.host_network for r in reps])
        self._pods = classes.is_endpoint & ~self._host
        self._rules: dict[tuple[Tier, Direction], _Rules] = {}
        for tier in ("Admin", "Baseline"):
            policies = ordered(self.cluster, tier)
            for direction in ("ingress", "egress"):
                subjects, peers, rules = [], [], []
                for policy in policies:
                    subject = self._selection(policy.subject.namespaces, policy.subject.pods)
                    for rule in policy.rules(direction):
                        subjects.append(subject)
                        peers.append(self._peers(rule.peers))
                        rules.append(rule)
                size = classes.size
                self._rules[(tier, direction)] = _Rules(
                    np.array(subjects, dtype=bool).reshape(len(rules), size),
                    np.array(peers, dtype=bool).reshape(len(rules), size),
                    tuple(rules),
                )

    def _selection(self, namespaces: LabelSelector, pods: LabelSelector | None) -> np.ndarray:
        mask: np.ndarray = self.classes.namespace_vector(namespaces) & self._pods
        if pods is not None:
            mask = mask & self.classes.pod_vector(pods)
        return mask

    def _peers(self, peers: tuple[TierPeer, ...]) -> np.ndarray:
        matched = np.zeros(self.classes.size, dtype=bool)
        for peer in peers:
            if peer.selector is not None:
                matched |= self._selection(peer.selector.namespaces, peer.selector.pods)
            else:
                matched |= np.array(
                    [peer_matches(self.cluster, peer, r, {}) for r in self.classes.reps],
                    dtype=bool,
                )
        return matched

    def _port_admits(self, rule: TierRule, protocol: Protocol, resolved: np.ndarray) -> np.ndarray:
        """[class]: whether the rule's ports admit the queried port at each destination."""
        if rule.ports is None:
            return resolved >= 0
        admits = np.zeros(len(resolved), dtype=bool)
        for entry in rule.ports:
            if entry.name is not None:
                table = self.classes.named_ports(entry.name, protocol)
                admits |= (table == resolved[:, None]).any(axis=1) & (resolved >= 0)
            elif entry.protocol == protocol:
                admits |= (entry.low <= resolved) & (resolved <= entry.high)
        return admits

    def _first_match(
        self, tier: Tier, direction: Direction, protocol: Protocol, resolved: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """[src class, dst class] (allowed, denied) by the tier's first matching rules."""
        size = self.classes.size
        undecided = np.ones((size, size), dtype=bool)
        allow = np.zeros((size, size), dtype=bool)
        deny = np.zeros((size, size), dtype=bool)
        table = self._rules[(tier, direction)]
        for k, rule in enumerate(table.rules):
            ports = self._port_admits(rule, protocol, resolved)
            if direction == "egress":
                match = table.subjects[k][:, None] & (table.peers[k] & ports)[None, :]
            else:
                match = table.peers[k][:, None] & (table.subjects[k] & ports)[None, :]
            new = match & undecided
            if rule.action == "Allow":
                allow |= new
            elif rule.action == "Deny":
                deny |= new
            undecided &= ~new
        return allow, deny

    def side(
        self,
        direction: Direction,
        networkpolicy: np.ndarray,
        isolated: np.ndarray,
        protocol: Protocol,
        resolved: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray]:
        """[src class, dst class]: the side's final decision and the deciding tier's code."""
        admin_allow, admin_deny = self._first_match("Admin", direction, protocol, resolved)
        base_allow, base_deny = self._first_match("Baseline", direction, protocol, resolved)
        admin = admin_allow | admin_deny
        baseline = ~admin & ~isolated & (base_allow | base_deny)
        allowed = admin_allow | (~admin & np.where(isolated, networkpolicy, ~base_deny))
        code = np.where(admin, ADMIN, np.where(baseline, BASELINE, NO_TIER)).astype(np.int8)
        return allowed, code


def cell_tiers(
    allowed: np.ndarray,
    egress: tuple[np.ndarray, np.ndarray],
    ingress: tuple[np.ndarray, np.ndarray],
) -> np.ndarray:
    """[src, dst] code of the tier that decided each cell (see ``Verdict.tier``)."""
    egress_allowed, egress_code = egress
    ingress_allowed, ingress_code = ingress
    blocked = np.where(~egress_allowed, egress_code, ingress_code)
    either = np.where(
        (egress_code == ADMIN) | (ingress_code == ADMIN),
        ADMIN,
        np.where(egress_code != NO_TIER, egress_code, ingress_code),
    )
    return np.where(allowed, either, np.where(egress_allowed & ingress_allowed, NO_TIER, blocked))
