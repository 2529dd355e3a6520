"""What the policy API leaves to the implementation, said instead of guessed in silence."""

from __future__ import annotations

from itertools import combinations

from netfence.engine.tier_match import subject_selects
from netfence.model import Cluster
from netfence.model.tiers import TierPolicy


def _actions(policy: TierPolicy, direction: str) -> set[str]:
    return {rule.action for rule in policy.rules(direction)}


def _conflict(cluster: Cluster, a: TierPolicy, b: TierPolicy) -> str | None:
    """The first endpoint both select where their rules of one direction differ in action."""
    for direction in ("ingress", "egress"):
        mixed = _actions(a, direction) | _actions(b, direction)
        if len(mixed) < 2:
            continue
        for endpoint in cluster.endpoints:
            labels = cluster.namespace_labels(endpoint.namespace)
            if subject_selects(a, endpoint, labels) and subject_selects(b, endpoint, labels):
                return f"{direction} of {endpoint.id}"
    return None


def tier_notes(cluster: Cluster) -> tuple[str, ...]:
    """Same-priority policies with rules of different actions over common subjects, and the
    order netfence picks where the API defines none."""
    notes: list[str] = []
    policies = cluster.tier_policies
    for a, b in combinations(sorted(policies, key=lambda p: p.order), 2):
        if a.tier != b.tier or a.priority != b.priority:
            continue
        where = _conflict(cluster, a, b)
        if where is not None:
            level = "" if a.priority is None else f" priority {a.priority}"
            notes.append(
                f"{a.id} and {b.id} share the {a.tier} tier{level} and both apply to {where} "
                "with rules of different actions: the API lets an implementation apply either; "
                f"netfence evaluates {a.id} first (by kind, then name)"
            )
    kinds = {(p.tier, p.kind) for p in policies}
    for tier in ("Admin", "Baseline"):
        present = sorted(kind for t, kind in kinds if t == tier)
        if len(present) > 1:
            notes.append(
                f"{tier} tier holds both {' and '.join(present)}: netfence orders them together "
                "by priority (a BaselineAdminNetworkPolicy counts as first)"
            )
    return tuple(notes)
