"""Which API a document belongs to. A kind name alone does not say it: ``NetworkPolicy`` is a
Kubernetes kind (``networking.k8s.io``) and a Calico one (``projectcalico.org``), so every
choice of documents by kind checks the API group too."""

from __future__ import annotations

KUBERNETES_POLICY_GROUPS = {
    "NetworkPolicy": "networking.k8s.io",
    "AdminNetworkPolicy": "policy.networking.k8s.io",
    "BaselineAdminNetworkPolicy": "policy.networking.k8s.io",
    "ClusterNetworkPolicy": "policy.networking.k8s.io",
}
"""The group of each Kubernetes policy kind (NetworkPolicy, and the SIG Network tier kinds)."""


def api_group(api_version: str) -> str:
    """``networking.k8s.io/v1`` -> ``networking.k8s.io``; ``v1`` -> ``""`` (the core group)."""
    group, slash, _ = api_version.rpartition("/")
    return group if slash else ""


def is_kubernetes_policy(api_version: object, kind: object, kinds: tuple[str, ...]) -> bool:
    """Whether an object is one of the Kubernetes policy ``kinds`` (in its own API group)."""
    if not (isinstance(api_version, str) and isinstance(kind, str)) or kind not in kinds:
        return False
    return api_group(api_version) == KUBERNETES_POLICY_GROUPS.get(kind)


def is_network_policy(api_version: object, kind: object) -> bool:
    """Whether an object is a Kubernetes ``networking.k8s.io`` NetworkPolicy."""
    return is_kubernetes_policy(api_version, kind, ("NetworkPolicy",))
