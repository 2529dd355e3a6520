"""The smallest NetworkPolicy that would admit a blocked connection, built from its verdict."""

from __future__ import annotations

import ipaddress
from typing import Any

from netfence.engine.calico import END_OF_TIER
from netfence.engine.core import Engine
from netfence.engine.external import ExternalRange
from netfence.engine.peers import Node
from netfence.engine.verdict import SideVerdict, Verdict
from netfence.model import NAMESPACE_NAME_LABEL, Endpoint, IPAddress
from netfence.model.calico import DEFAULT_TIER

# Labels a controller stamps on each replica: selecting by them would pin one pod.
VOLATILE_LABELS = frozenset(
    {
        "pod-template-hash",
        "controller-revision-hash",
        "statefulset.kubernetes.io/pod-name",
        "apps.kubernetes.io/pod-index",
        "batch.kubernetes.io/controller-uid",
        "controller-uid",
    }
)

Manifest = dict[str, Any]


def networkpolicy_can_fix(side: SideVerdict) -> bool:
    """Whether a NetworkPolicy can admit what ``side`` refused: not after an Admin tier's
    or a Calico rule's Deny, nor at the end of a Calico tier other than the default one
    (Kubernetes NetworkPolicies live in the default tier)."""
    decision = side.decided_by
    if decision is None or decision.tier == "Baseline":
        return True
    return decision.tier == DEFAULT_TIER and decision.rule == END_OF_TIER


def stable_labels(endpoint: Endpoint) -> dict[str, str]:
    """The endpoint's labels without per-replica ones."""
    return {k: v for k, v in endpoint.labels if k not in VOLATILE_LABELS}


def peer_for(node: Node, address: IPAddress | None = None) -> list[dict[str, Any]]:
    """``from``/``to`` entries matching ``node`` (just ``address`` when one was asked about)."""
    if isinstance(node, ExternalRange):
        if address is not None:
            return [{"ipBlock": {"cidr": str(ipaddress.ip_network(address))}}]
        return [{"ipBlock": {"cidr": str(cidr)}} for cidr in node.cidrs]
    return [
        {
            "namespaceSelector": {"matchLabels": {NAMESPACE_NAME_LABEL: node.namespace}},
            "podSelector": {"matchLabels": stable_labels(node)},
        }
    ]


def _policy(
    subject: Endpoint, other: Node, verdict: Verdict, side: SideVerdict, address: IPAddress | None
) -> Manifest:
    direction = side.direction
    other_name = other.name if isinstance(other, Endpoint) else "external"
    rule: dict[str, Any] = {
        "from" if direction == "ingress" else "to": peer_for(other, address),
        "ports": [{"protocol": verdict.protocol, "port": verdict.port}],
    }
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {
            "name": f"allow-{direction}-{subject.name}-{other_name}-{verdict.port}"[:63]
            .lower()
            .rstrip("-"),
            "namespace": subject.namespace,
        },
        "spec": {
            "podSelector": {"matchLabels": stable_labels(subject)},
            "policyTypes": [direction.capitalize()],
            direction: [rule],
        },
    }


def suggest_fix(
    engine: Engine, verdict: Verdict, address: IPAddress | None = None
) -> list[Manifest]:
    """One policy per side that refused the connection (none when it is allowed, when the
    Admin tier denied it, which no NetworkPolicy overrides, or when the
    destination does not serve the queried port name). ``address``: the outside address the
    question named, so that the fix opens that address rather than its whole range."""
    if verdict.allowed or verdict.resolved_port is None:
        return []
    src, dst = engine.find(verdict.src), engine.find(verdict.dst)
    if src is None or dst is None:
        return []
    fixes: list[Manifest] = []
    for side in verdict.blocked_at:
        subject, other = (src, dst) if side.direction == "egress" else (dst, src)
        if isinstance(subject, Endpoint) and networkpolicy_can_fix(side):
            fixes.append(_policy(subject, other, verdict, side, address))
    return fixes
