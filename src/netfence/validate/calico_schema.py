"""JSON types and known fields of the Calico kinds (the projectcalico.org/v3 API types)."""

from __future__ import annotations

from netfence.validate.schema import (
    ANY,
    I32,
    IOS,
    OBJECT_META,
    STRING_MAP,
    STRINGS,
    B,
    ListOf,
    S,
    SchemaNode,
    Struct,
)

ICMP = Struct("ICMPFields", {"type": I32, "code": I32})
ENTITY_RULE = Struct(
    "EntityRule",
    {
        "nets": STRINGS,
        "notNets": STRINGS,
        "selector": S,
        "notSelector": S,
        "namespaceSelector": S,
        "ports": ListOf(IOS),
        "notPorts": ListOf(IOS),
        "serviceAccounts": Struct("ServiceAccountMatch", {"names": STRINGS, "selector": S}),
        "services": Struct("ServiceMatch", {"name": S, "namespace": S}),
    },
)
HTTP = Struct(
    "HTTPMatch",
    {"methods": STRINGS, "paths": ListOf(Struct("HTTPPath", {"exact": S, "prefix": S}))},
)
RULE = Struct(
    "Rule",
    {
        "action": S,
        "ipVersion": I32,
        "protocol": IOS,
        "notProtocol": IOS,
        "icmp": ICMP,
        "notICMP": ICMP,
        "source": ENTITY_RULE,
        "destination": ENTITY_RULE,
        "http": HTTP,
        "metadata": Struct("RuleMetadata", {"annotations": STRING_MAP}),
    },
)
_POLICY_FIELDS: dict[str, SchemaNode] = {
    "tier": S,
    "order": ANY,
    "selector": S,
    "serviceAccountSelector": S,
    "types": STRINGS,
    "ingress": ListOf(RULE),
    "egress": ListOf(RULE),
    "performanceHints": STRINGS,
}
_GLOBAL_FIELDS: dict[str, SchemaNode] = {
    **_POLICY_FIELDS,
    "namespaceSelector": S,
    "doNotTrack": B,
    "preDNAT": B,
    "applyOnForward": B,
}


def _kind(name: str, spec: Struct) -> Struct:
    return Struct(
        name,
        {"apiVersion": S, "kind": S, "metadata": OBJECT_META, "spec": spec, "status": ANY},
    )


NETS = Struct("NetworkSetSpec", {"nets": STRINGS})
CALICO_SCHEMAS = {
    "NetworkPolicy": _kind("NetworkPolicy", Struct("NetworkPolicySpec", _POLICY_FIELDS)),
    "GlobalNetworkPolicy": _kind(
        "GlobalNetworkPolicy", Struct("GlobalNetworkPolicySpec", _GLOBAL_FIELDS)
    ),
    "NetworkSet": _kind("NetworkSet", NETS),
    "GlobalNetworkSet": _kind("GlobalNetworkSet", NETS),
    "Tier": _kind("Tier", Struct("TierSpec", {"order": ANY, "defaultAction": S})),
}
