"""Isolation of every endpoint at once: what ``Engine.selecting`` says of each, asked once
per namespace and label set, against the policies of that namespace only (a NetworkPolicy
selects pods of its own namespace)."""

from __future__ import annotations

from netfence.engine.core import Engine
from netfence.engine.selection import isolating
from netfence.model import NetworkPolicy


def isolation(engine: Engine) -> list[tuple[bool, bool]]:
    """(isolated for ingress, isolated for egress) of every endpoint, in engine order."""
    by_namespace: dict[str, list[NetworkPolicy]] = {}
    for policy in engine.cluster.policies:
        by_namespace.setdefault(policy.namespace, []).append(policy)
    known: dict[tuple[str, tuple[tuple[str, str], ...]], tuple[bool, bool]] = {}
    found = []
    for endpoint in engine.endpoints:
        key = (endpoint.namespace, endpoint.labels)
        if key not in known:
            policies = by_namespace.get(endpoint.namespace, [])
            known[key] = (
                bool(isolating(policies, endpoint, "ingress")),
                bool(isolating(policies, endpoint, "egress")),
            )
        found.append(known[key])
    return found
