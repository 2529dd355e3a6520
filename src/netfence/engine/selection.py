"""Which policies select an endpoint and isolate it in a direction."""

from __future__ import annotations

from collections.abc import Iterable

from netfence.model import Direction, Endpoint, NetworkPolicy


def selects(policy: NetworkPolicy, endpoint: Endpoint) -> bool:
    """A policy selects the pods of its own namespace that its podSelector matches."""
    return policy.namespace == endpoint.namespace and policy.pod_selector.matches(
        endpoint.label_map
    )


def isolating(
    policies: Iterable[NetworkPolicy], endpoint: Endpoint, direction: Direction
) -> tuple[NetworkPolicy, ...]:
    """Policies that select ``endpoint`` and have ``direction`` in their policyTypes."""
    return tuple(p for p in policies if direction in p.policy_types and selects(p, endpoint))


def by_namespace(policies: Iterable[NetworkPolicy]) -> dict[str, tuple[NetworkPolicy, ...]]:
    """The policies of each namespace, in their order (a policy selects only pods of its
    own namespace)."""
    found: dict[str, list[NetworkPolicy]] = {}
    for policy in policies:
        found.setdefault(policy.namespace, []).append(policy)
    return {name: tuple(chosen) for name, chosen in found.items()}
