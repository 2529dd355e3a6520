"""JSON types and known fields of Cilium's policy CRDs (cilium.io/v2).

CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy share one rule schema (``spec``, or a
list of them in ``specs``); CiliumCIDRGroup holds ``externalCIDRs``. L7 sections other than
DNS, TLS contexts, listeners and ICMP fields are checked for their type only.
"""

from __future__ import annotations

from collections.abc import Mapping

from netfence.validate.schema import (
    I32,
    OBJ,
    OBJECT_META,
    OBJECTS,
    STRING_MAP,
    STRINGS,
    B,
    ListOf,
    MapOf,
    S,
    SchemaNode,
    Struct,
)

ENDPOINT_SELECTOR = Struct(
    "EndpointSelector",
    {
        "matchLabels": STRING_MAP,
        "matchExpressions": ListOf(
            Struct("LabelSelectorRequirement", {"key": S, "operator": S, "values": STRINGS})
        ),
    },
)
CIDR_RULE = Struct(
    "CIDRRule",
    {"cidr": S, "cidrGroupRef": S, "cidrGroupSelector": ENDPOINT_SELECTOR, "except": STRINGS},
)
FQDN_SELECTOR = Struct("FQDNSelector", {"matchName": S, "matchPattern": S})
PORT_PROTOCOL = Struct("PortProtocol", {"port": S, "endPort": I32, "protocol": S})
L7_RULES = Struct(
    "L7Rules",
    {
        "http": OBJECTS,
        "kafka": OBJECTS,
        "dns": ListOf(Struct("PortRuleDNS", {"matchName": S, "matchPattern": S})),
        "l7proto": S,
        "l7": ListOf(MapOf(S)),
    },
)
PORT_RULE = Struct(
    "PortRule",
    {
        "ports": ListOf(PORT_PROTOCOL),
        "rules": L7_RULES,
        "listener": OBJ,
        "originatingTLS": OBJ,
        "terminatingTLS": OBJ,
        "serverNames": STRINGS,
    },
)
PORT_DENY_RULE = Struct("PortDenyRule", {"ports": ListOf(PORT_PROTOCOL)})
SERVICE = Struct(
    "Service",
    {
        "k8sService": Struct("K8sServiceNamespace", {"serviceName": S, "namespace": S}),
        "k8sServiceSelector": Struct(
            "K8sServiceSelectorNamespace", {"selector": ENDPOINT_SELECTOR, "namespace": S}
        ),
    },
)
SELECTORS = ListOf(ENDPOINT_SELECTOR)


def _ingress(name: str, deny: bool) -> Struct:
    fields: dict[str, SchemaNode] = {
        "fromEndpoints": SELECTORS,
        "fromRequires": SELECTORS,
        "fromNodes": SELECTORS,
        "fromEntities": STRINGS,
        "fromCIDR": STRINGS,
        "fromCIDRSet": ListOf(CIDR_RULE),
        "fromGroups": OBJECTS,
        "icmps": OBJECTS,
        "toPorts": ListOf(PORT_DENY_RULE if deny else PORT_RULE),
    }
    if not deny:
        fields["authentication"] = OBJ
    return Struct(name, fields)


def _egress(name: str, deny: bool) -> Struct:
    fields: dict[str, SchemaNode] = {
        "toEndpoints": SELECTORS,
        "toRequires": SELECTORS,
        "toNodes": SELECTORS,
        "toEntities": STRINGS,
        "toCIDR": STRINGS,
        "toCIDRSet": ListOf(CIDR_RULE),
        "toServices": ListOf(SERVICE),
        "toGroups": OBJECTS,
        "icmps": OBJECTS,
        "toPorts": ListOf(PORT_DENY_RULE if deny else PORT_RULE),
    }
    if not deny:
        fields["authentication"] = OBJ
        fields["toFQDNs"] = ListOf(FQDN_SELECTOR)
    return Struct(name, fields)


RULE = Struct(
    "Rule",
    {
        "description": S,
        "endpointSelector": ENDPOINT_SELECTOR,
        "nodeSelector": ENDPOINT_SELECTOR,
        "ingress": ListOf(_ingress("IngressRule", deny=False)),
        "ingressDeny": ListOf(_ingress("IngressDenyRule", deny=True)),
        "egress": ListOf(_egress("EgressRule", deny=False)),
        "egressDeny": ListOf(_egress("EgressDenyRule", deny=True)),
        "enableDefaultDeny": Struct("DefaultDenyConfig", {"ingress": B, "egress": B}),
        "labels": ListOf(Struct("Label", {"key": S, "value": S, "source": S})),
        "log": OBJ,
    },
)


def _top(kind: str, fields: Mapping[str, SchemaNode]) -> Struct:
    return Struct(
        kind, {"apiVersion": S, "kind": S, "metadata": OBJECT_META, "status": OBJ, **fields}
    )


CILIUM_KIND_SCHEMAS: Mapping[str, Struct] = {
    "CiliumNetworkPolicy": _top("CiliumNetworkPolicy", {"spec": RULE, "specs": ListOf(RULE)}),
    "CiliumClusterwideNetworkPolicy": _top(
        "CiliumClusterwideNetworkPolicy", {"spec": RULE, "specs": ListOf(RULE)}
    ),
    "CiliumCIDRGroup": _top(
        "CiliumCIDRGroup", {"spec": Struct("CiliumCIDRGroupSpec", {"externalCIDRs": STRINGS})}
    ),
}
