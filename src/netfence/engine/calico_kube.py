"""The SIG Network tier kinds inside Calico's tier order, as Calico places them.

On a Calico cluster an AdminNetworkPolicy is a policy of tier ``adminnetworkpolicy`` (order
1000) at its priority, the BaselineAdminNetworkPolicy one of tier
``baselineadminnetworkpolicy`` (order 10,000,000) at order 1000, and a ClusterNetworkPolicy
one of ``kube-admin`` or ``kube-baseline`` at its priority; those tiers pass by default. So
Calico tiers ordered below 1000 run before the Admin tier, the default tier (1,000,000, with
the Kubernetes NetworkPolicies) between the two, and tiers above 10,000,000 after Baseline.
Rules keep the SIG Network matching (``engine/tier_match``) and decide with their own action.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from netfence.engine.peers import Node
from netfence.engine.tier_match import peer_matches, rule_ports_match, subject_selects
from netfence.engine.tiers import decision
from netfence.engine.verdict import TierDecision
from netfence.model import Cluster, Direction, Endpoint, Protocol
from netfence.model.calico import (
    BASELINE_ADMIN_POLICY_ORDER,
    KUBE_TIER_PLACES,
    CalicoTier,
    KubeTierPlace,
    order_key,
)
from netfence.model.tiers import TierPolicy


def place(policy: TierPolicy) -> KubeTierPlace:
    return KUBE_TIER_PLACES[(policy.kind, policy.tier)]


@dataclass(frozen=True)
class KubeTierEntry:
    """A SIG Network tier policy's place in its Calico tier."""

    policy: TierPolicy

    @property
    def tier(self) -> str:
        return place(self.policy).tier

    @property
    def sort_key(self) -> tuple[bool, float, str]:
        priority = self.policy.priority
        order = BASELINE_ADMIN_POLICY_ORDER if priority is None else float(priority)
        return order_key(order, place(self.policy).prefix + self.policy.name)

    def applies(
        self, subject: Node, direction: Direction, namespace_labels: Mapping[str, str]
    ) -> bool:
        """Whether the policy selects ``subject`` and has rules for ``direction``."""
        return (
            bool(self.policy.rules(direction))
            and isinstance(subject, Endpoint)
            and subject_selects(self.policy, subject, namespace_labels)
        )

    def first_match(
        self,
        cluster: Cluster,
        direction: Direction,
        other: Node,
        other_labels: Mapping[str, str],
        port: int,
        protocol: Protocol,
        dst: Node,
    ) -> TierDecision | None:
        """The first rule of the policy that matches the connection, as a tier decision."""
        for rule in self.policy.rules(direction):
            if any(
                peer_matches(cluster, p, other, other_labels) for p in rule.peers
            ) and rule_ports_match(rule, port, protocol, dst):
                return decision(self.policy, direction, rule)
        return None


def kube_tiers(cluster: Cluster) -> tuple[CalicoTier, ...]:
    """The Calico tiers the cluster's SIG Network policies sit in (not declared by Calico
    objects of the input: those keep their own definition)."""
    declared = {t.name for t in cluster.calico.tiers}
    places = {place(p) for p in cluster.tier_policies}
    return tuple(
        CalicoTier(p.tier, p.tier_order, "Pass")
        for p in sorted(places, key=lambda p: p.tier)
        if p.tier not in declared
    )
