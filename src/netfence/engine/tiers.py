"""The tier precedence, per pair (the executable spec) and as matrices over node classes.

One side of a connection (egress of the source, ingress of the destination) is decided by:
the Admin tier's first matching rule (policies by priority, lowest first; rules in order)
when it is Allow or Deny; else (no match, or Pass) the NetworkPolicy tier when some
NetworkPolicy isolates the pod in that direction; else the Baseline tier's first matching
Allow or Deny rule; else the default, allow.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from itertools import pairwise

from netfence.engine.external import ExternalRange
from netfence.engine.intervals import MAX_PORT, PortSet
from netfence.engine.peers import Node
from netfence.engine.tier_match import peer_matches, rule_ports_match, subject_selects
from netfence.engine.verdict import SideVerdict, TierDecision
from netfence.model import Cluster, Direction, Endpoint, Protocol
from netfence.model.tiers import Tier, TierPolicy, TierRule


def ordered(cluster: Cluster, tier: Tier) -> tuple[TierPolicy, ...]:
    """The policies of ``tier`` in evaluation order."""
    return tuple(
        sorted((p for p in cluster.tier_policies if p.tier == tier), key=lambda p: p.order)
    )


def decision(policy: TierPolicy, direction: Direction, rule: TierRule) -> TierDecision:
    return TierDecision(
        policy.tier,
        policy.id,
        policy.short,
        direction,
        rule.index,
        rule.label,
        rule.action,
        rule.source,
    )


@dataclass
class TierReference:
    """First-match evaluation of the tiers for one pair, straight from the definitions."""

    cluster: Cluster
    namespace_labels: Callable[[Node], Mapping[str, str]]

    def __post_init__(self) -> None:
        self._tiers = {tier: ordered(self.cluster, tier) for tier in ("Admin", "Baseline")}

    @property
    def active(self) -> bool:
        return bool(self.cluster.tier_policies)

    def _candidates(
        self, tier: Tier, direction: Direction, subject: Node, other: Node
    ) -> list[tuple[TierPolicy, TierRule]]:
        """Rules of ``tier`` whose subject and peers match, in evaluation order."""
        if not isinstance(subject, Endpoint):
            return []
        labels = self.namespace_labels(subject)
        other_labels = self.namespace_labels(other)
        return [
            (policy, rule)
            for policy in self._tiers[tier]
            if subject_selects(policy, subject, labels)
            for rule in policy.rules(direction)
            if any(peer_matches(self.cluster, p, other, other_labels) for p in rule.peers)
        ]

    def first_match(
        self,
        tier: Tier,
        direction: Direction,
        subject: Node,
        other: Node,
        port: int,
        protocol: Protocol,
        dst: Node,
    ) -> TierDecision | None:
        """The deciding rule of ``tier``, noting same-priority rules of another action."""
        matching = [
            (policy, rule)
            for policy, rule in self._candidates(tier, direction, subject, other)
            if rule_ports_match(rule, port, protocol, dst)
        ]
        if not matching:
            return None
        policy, rule = matching[0]
        rivals = sorted(
            {
                p.id
                for p, r in matching
                if p.id != policy.id
                and p.priority == policy.priority
                and r.action != rule.action
                and _first_of(matching, p) is r
            }
        )
        return replace(decision(policy, direction, rule), ambiguous_with=tuple(rivals))

    def side(
        self,
        networkpolicy: SideVerdict,
        subject: Node,
        other: Node,
        port: int | None,
        protocol: Protocol,
        dst: Node,
    ) -> SideVerdict:
        """The NetworkPolicy tier's side verdict with the Admin and Baseline tiers around it."""
        if not self.active or port is None or isinstance(subject, ExternalRange):
            return networkpolicy
        direction = networkpolicy.direction
        admin = self.first_match("Admin", direction, subject, other, port, protocol, dst)
        np_allowed = networkpolicy.allowed
        if admin is not None and admin.action != "Pass":
            return replace(
                networkpolicy,
                allowed=admin.action == "Allow",
                decided_by=admin,
                networkpolicy_allowed=np_allowed,
            )
        if networkpolicy.isolated or networkpolicy.decided_by is not None:
            return replace(networkpolicy, passed_by=admin)
        baseline = self.first_match("Baseline", direction, subject, other, port, protocol, dst)
        if baseline is not None and baseline.action != "Pass":
            return replace(
                networkpolicy,
                allowed=baseline.action == "Allow",
                decided_by=baseline,
                passed_by=admin,
                networkpolicy_allowed=np_allowed,
            )
        return replace(networkpolicy, passed_by=admin)

    def side_ports(
        self,
        direction: Direction,
        subject: Node,
        other: Node,
        protocol: Protocol,
        dst: Node,
        networkpolicy: PortSet,
        isolated: bool,
    ) -> PortSet:
        """Ports of ``protocol`` one side lets through, tiers included (exact)."""
        if not self.active or isinstance(subject, ExternalRange):
            return networkpolicy
        admin = self._candidates("Admin", direction, subject, other)
        baseline = self._candidates("Baseline", direction, subject, other)
        bounds = {1, MAX_PORT + 1}
        for _, rule in (*admin, *baseline):
            for lo, hi in _rule_ports(rule, protocol, dst):
                bounds |= {lo, hi + 1}
        for lo, hi in networkpolicy:
            bounds |= {lo, hi + 1}
        edges = sorted(bounds)
        allowed: list[tuple[int, int]] = []
        for lo, next_lo in pairwise(edges):
            if self._port_allowed(
                admin, baseline, lo, protocol, dst, lo in networkpolicy, isolated
            ):
                allowed.append((lo, next_lo - 1))
        return PortSet.of(allowed)

    @staticmethod
    def _port_allowed(
        admin: list[tuple[TierPolicy, TierRule]],
        baseline: list[tuple[TierPolicy, TierRule]],
        port: int,
        protocol: Protocol,
        dst: Node,
        networkpolicy: bool,
        isolated: bool,
    ) -> bool:
        for _, rule in admin:
            if rule_ports_match(rule, port, protocol, dst):
                if rule.action != "Pass":
                    return rule.action == "Allow"
                break
        if isolated:
            return networkpolicy
        for _, rule in baseline:
            if rule_ports_match(rule, port, protocol, dst):
                return rule.action != "Deny"
        return True


def _first_of(matching: list[tuple[TierPolicy, TierRule]], policy: TierPolicy) -> TierRule | None:
    return next((r for p, r in matching if p is policy), None)


def _rule_ports(rule: TierRule, protocol: Protocol, dst: Node) -> list[tuple[int, int]]:
    if rule.ports is None:
        return [(1, MAX_PORT)]
    spans: list[tuple[int, int]] = []
    for entry in rule.ports:
        if entry.name is not None:
            if isinstance(dst, Endpoint):
                spans += [(n, n) for n in dst.named_ports(entry.name, protocol)]
        elif entry.protocol == protocol:
            spans.append((entry.low, entry.high))
    return spans
