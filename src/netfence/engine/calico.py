"""Calico's tiers, per pair: the executable spec of one side of a connection.

Tiers by order (nil last, then name). A tier applies to an endpoint in a direction when
one of its policies does; a tier that does not apply is skipped. Inside an applying tier,
policies by order (nil last) then name, rules in order: the first matching rule decides
(``Allow``, ``Deny``), ``Pass`` goes to the next tier, ``Log`` continues. A tier that
applies but whose rules all miss denies, unless its ``defaultAction`` is ``Pass``.
Kubernetes NetworkPolicies sit in the ``default`` tier at order 1000 (named
``knp.default.<name>``), each an Allow policy: the NetworkPolicy side verdict already says
which of them isolate the endpoint and which admit the connection. The SIG Network tier
kinds sit in the tiers Calico gives them (``engine/calico_kube``). After the last tier
(nothing applied, or everything passed) the endpoint's profile allows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from netfence.engine.calico_kube import KubeTierEntry, kube_tiers
from netfence.engine.calico_match import CalicoMatcher
from netfence.engine.external import ExternalRange
from netfence.engine.peers import Node
from netfence.engine.verdict import SideVerdict, TierDecision
from netfence.model import Cluster, Direction, Endpoint, Protocol
from netfence.model.calico import (
    DEFAULT_TIER,
    KUBERNETES_POLICY_ORDER,
    CalicoPolicy,
    CalicoRule,
    CalicoTier,
    format_order,
    order_key,
)

END_OF_TIER = -1


@dataclass(frozen=True)
class KubernetesEntry:
    """A Kubernetes NetworkPolicy's place in the default tier."""

    policy_id: str

    @property
    def sort_key(self) -> tuple[bool, float, str]:
        namespace, _, name = self.policy_id.partition("/")
        return order_key(KUBERNETES_POLICY_ORDER, f"{namespace}/knp.default.{name}")


def rule_decision(policy: CalicoPolicy, direction: Direction, rule: CalicoRule) -> TierDecision:
    """``GlobalNetworkPolicy platform.deny-egress (tier platform, order 100)``, rule 2
    (rules are counted from 1, as people read them; the source line points at it)."""
    return TierDecision(
        policy.tier,
        policy.id,
        policy.label,
        direction,
        rule.index,
        str(rule.index + 1),
        rule.action,
        rule.origin,
    )


def _kubernetes_decision(policy_id: str, direction: Direction, side: SideVerdict) -> TierDecision:
    ref = next(r for r in side.admitted_by if r.policy == policy_id)
    label = (
        f"NetworkPolicy {policy_id} (tier {DEFAULT_TIER}, "
        f"order {format_order(KUBERNETES_POLICY_ORDER)})"
    )
    return TierDecision(
        DEFAULT_TIER, policy_id, label, direction, ref.rule, str(ref.rule + 1), "Allow", ref.source
    )


def _end_of_tier(tier: CalicoTier, direction: Direction) -> TierDecision:
    label = f"the end of tier {tier.name} (order {format_order(tier.order)})"
    return TierDecision(
        tier.name,
        f"Tier/{tier.name}",
        label,
        direction,
        END_OF_TIER,
        "none matched",
        "Deny",
        tier.source,
    )


class CalicoReference:
    """Evaluates Calico's tiers for one side of one connection."""

    def __init__(self, cluster: Cluster, namespace_labels: Callable[[str], Mapping[str, str]]):
        self.cluster = cluster
        self.matcher = CalicoMatcher(cluster, namespace_labels)
        self.namespace_labels = namespace_labels
        tiers = (*cluster.calico.tiers, *kube_tiers(cluster))
        self.tiers = tuple(sorted(tiers, key=lambda t: t.sort_key))
        self._policies = {t.name: cluster.calico.in_tier(t.name) for t in self.tiers}
        self._kube = {
            t.name: tuple(e for e in map(KubeTierEntry, cluster.tier_policies) if e.tier == t.name)
            for t in self.tiers
        }

    @property
    def active(self) -> bool:
        return self.cluster.calico.active

    def entries(
        self, tier: CalicoTier, direction: Direction, subject: Node, kubernetes: tuple[str, ...]
    ) -> list[CalicoPolicy | KubernetesEntry | KubeTierEntry]:
        """Policies of ``tier`` that apply to ``subject``, in evaluation order."""
        entries: list[CalicoPolicy | KubernetesEntry | KubeTierEntry] = [
            p for p in self._policies[tier.name] if self.matcher.applies(p, subject, direction)
        ]
        labels = self._labels(subject)
        entries += [e for e in self._kube[tier.name] if e.applies(subject, direction, labels)]
        if tier.name == DEFAULT_TIER:
            entries += [KubernetesEntry(p) for p in kubernetes]
        return sorted(entries, key=lambda e: e.sort_key)

    def side(
        self,
        networkpolicy: SideVerdict,
        src: Node,
        dst: Node,
        port: int | None,
        protocol: Protocol,
    ) -> SideVerdict:
        """The side's verdict through every Calico tier (the NetworkPolicy verdict placed in
        the default tier). ``isolated`` then says whether some tier applied and acted (a
        tier that passes by default and whose rules all missed changes nothing)."""
        direction = networkpolicy.direction
        subject = src if direction == "egress" else dst
        if not self.active or port is None or isinstance(subject, ExternalRange):
            return networkpolicy
        admitted = {ref.policy for ref in networkpolicy.admitted_by}
        applied = False
        passed: TierDecision | None = None
        for tier in self.tiers:
            entries = self.entries(tier, direction, subject, networkpolicy.policies)
            if not entries:
                continue
            decision = self._first_match(
                entries, direction, src, dst, port, protocol, admitted, networkpolicy
            )
            if decision is not None and decision.action != "Pass":
                return self._decided(networkpolicy, decision, passed)
            if decision is not None:
                applied, passed = True, decision
                continue
            if tier.default_action == "Deny":
                return self._decided(networkpolicy, _end_of_tier(tier, direction), passed)
        return replace(
            networkpolicy,
            isolated=applied,
            allowed=True,
            passed_by=passed,
            networkpolicy_allowed=networkpolicy.allowed,
        )

    def _first_match(
        self,
        entries: list[CalicoPolicy | KubernetesEntry | KubeTierEntry],
        direction: Direction,
        src: Node,
        dst: Node,
        port: int,
        protocol: Protocol,
        admitted: set[str],
        networkpolicy: SideVerdict,
    ) -> TierDecision | None:
        """The first matching rule's decision (Log rules are skipped), None when none matched."""
        for entry in entries:
            if isinstance(entry, KubeTierEntry):
                other = src if direction == "ingress" else dst
                found = entry.first_match(
                    self.cluster, direction, other, self._labels(other), port, protocol, dst
                )
                if found is not None:
                    return found
                continue
            if isinstance(entry, KubernetesEntry):
                if entry.policy_id in admitted:
                    return _kubernetes_decision(entry.policy_id, direction, networkpolicy)
                continue
            for rule in entry.rules(direction):
                if rule.action == "Log":
                    continue
                if self.matcher.rule_matches(entry, rule, src, dst, port, protocol):
                    return rule_decision(entry, direction, rule)
        return None

    def _labels(self, node: Node) -> Mapping[str, str]:
        return self.namespace_labels(node.namespace) if isinstance(node, Endpoint) else {}

    @staticmethod
    def _decided(
        networkpolicy: SideVerdict, decision: TierDecision, passed: TierDecision | None
    ) -> SideVerdict:
        return replace(
            networkpolicy,
            isolated=True,
            allowed=decision.action == "Allow",
            decided_by=decision,
            passed_by=passed,
            networkpolicy_allowed=networkpolicy.allowed,
        )
