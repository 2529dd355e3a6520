"""The Cilium kinds netfence evaluates, all of the ``cilium.io`` group: two policy kinds and
the CIDR groups policies name (``cidrGroupRef``)."""

from __future__ import annotations

from netfence.load.kinds import api_group

CILIUM_GROUP = "cilium.io"
CILIUM_POLICY_KINDS = ("CiliumNetworkPolicy", "CiliumClusterwideNetworkPolicy")
CIDR_GROUP_KIND = "CiliumCIDRGroup"
CILIUM_KINDS = (*CILIUM_POLICY_KINDS, CIDR_GROUP_KIND)
NAMESPACED_CILIUM_KINDS = ("CiliumNetworkPolicy",)


def is_cilium(api_version: object, kind: object) -> bool:
    """Whether an object is one of the Cilium kinds netfence evaluates (any version of
    ``cilium.io``: the version itself is checked by validation)."""
    if not (isinstance(api_version, str) and isinstance(kind, str)):
        return False
    return api_group(api_version) == CILIUM_GROUP and kind in CILIUM_KINDS
