"""The Calico kinds netfence evaluates, served under two API groups with the same kinds:
``projectcalico.org/v3`` (the API server) and ``crd.projectcalico.org/v1`` (the stored CRDs)."""

from __future__ import annotations

from netfence.load.kinds import api_group

CALICO_GROUPS = ("projectcalico.org", "crd.projectcalico.org")
CALICO_KINDS = ("NetworkPolicy", "GlobalNetworkPolicy", "NetworkSet", "GlobalNetworkSet", "Tier")
CALICO_POLICY_KINDS = ("NetworkPolicy", "GlobalNetworkPolicy")
NAMESPACED_CALICO_KINDS = ("NetworkPolicy", "NetworkSet")
SERVED_VERSIONS = {"projectcalico.org": "v3", "crd.projectcalico.org": "v1"}


def is_calico(api_version: object, kind: object) -> bool:
    """Whether an object is one of the Calico kinds netfence evaluates (any version of the
    two groups: the version itself is checked by validation)."""
    if not (isinstance(api_version, str) and isinstance(kind, str)):
        return False
    return api_group(api_version) in CALICO_GROUPS and kind in CALICO_KINDS
