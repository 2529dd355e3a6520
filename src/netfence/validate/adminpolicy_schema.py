"""JSON types and known fields of the SIG Network policy kinds and of Node.

AdminNetworkPolicy and BaselineAdminNetworkPolicy follow the experimental v1alpha1 CRDs of
sigs.k8s.io/network-policy-api v0.1.7 (the last release serving v1alpha1), ClusterNetworkPolicy
the experimental v1alpha2 CRD of v0.3.0.
"""

from __future__ import annotations

from collections.abc import Mapping

from netfence.validate.schema import (
    I32,
    LABEL_SELECTOR,
    OBJ,
    OBJECT_META,
    OBJECTS,
    STRING_MAP,
    STRINGS,
    ListOf,
    S,
    SchemaNode,
    Struct,
)

NAMESPACED_POD = Struct(
    "NamespacedPod", {"namespaceSelector": LABEL_SELECTOR, "podSelector": LABEL_SELECTOR}
)
SUBJECT = Struct(
    "AdminNetworkPolicySubject", {"namespaces": LABEL_SELECTOR, "pods": NAMESPACED_POD}
)
_SELECTOR_PEER: dict[str, SchemaNode] = {"namespaces": LABEL_SELECTOR, "pods": NAMESPACED_POD}
_EXTERNAL_PEER: dict[str, SchemaNode] = {"nodes": LABEL_SELECTOR, "networks": STRINGS}

V1ALPHA1_PORT = Struct(
    "AdminNetworkPolicyPort",
    {
        "portNumber": Struct("Port", {"protocol": S, "port": I32}),
        "namedPort": S,
        "portRange": Struct("PortRange", {"protocol": S, "start": I32, "end": I32}),
    },
)


def _v1alpha1_spec(name: str, priority: bool, domains: bool) -> Struct:
    egress_peer = {**_SELECTOR_PEER, **_EXTERNAL_PEER}
    if domains:
        egress_peer["domainNames"] = STRINGS
    fields: dict[str, SchemaNode] = {
        "subject": SUBJECT,
        "ingress": ListOf(
            Struct(
                f"{name}IngressRule",
                {
                    "name": S,
                    "action": S,
                    "from": ListOf(Struct(f"{name}IngressPeer", _SELECTOR_PEER)),
                    "ports": ListOf(V1ALPHA1_PORT),
                },
            )
        ),
        "egress": ListOf(
            Struct(
                f"{name}EgressRule",
                {
                    "name": S,
                    "action": S,
                    "to": ListOf(Struct(f"{name}EgressPeer", egress_peer)),
                    "ports": ListOf(V1ALPHA1_PORT),
                },
            )
        ),
    }
    if priority:
        fields["priority"] = I32
    return Struct(f"{name}Spec", fields)


_PORT_MATCH = Struct(
    "Port", {"number": I32, "range": Struct("PortRange", {"start": I32, "end": I32})}
)
_PROTOCOL_MATCH = Struct("ClusterNetworkPolicyProtocolTCP", {"destinationPort": _PORT_MATCH})
V1ALPHA2_PROTOCOL = Struct(
    "ClusterNetworkPolicyProtocol",
    {
        "tcp": _PROTOCOL_MATCH,
        "udp": _PROTOCOL_MATCH,
        "sctp": _PROTOCOL_MATCH,
        "destinationNamedPort": S,
    },
)
CLUSTER_NETWORK_POLICY_SPEC = Struct(
    "ClusterNetworkPolicySpec",
    {
        "tier": S,
        "priority": I32,
        "subject": SUBJECT,
        "ingress": ListOf(
            Struct(
                "ClusterNetworkPolicyIngressRule",
                {
                    "name": S,
                    "action": S,
                    "from": ListOf(Struct("ClusterNetworkPolicyIngressPeer", _SELECTOR_PEER)),
                    "protocols": ListOf(V1ALPHA2_PROTOCOL),
                },
            )
        ),
        "egress": ListOf(
            Struct(
                "ClusterNetworkPolicyEgressRule",
                {
                    "name": S,
                    "action": S,
                    "to": ListOf(
                        Struct(
                            "ClusterNetworkPolicyEgressPeer",
                            {**_SELECTOR_PEER, **_EXTERNAL_PEER, "domainNames": STRINGS},
                        )
                    ),
                    "protocols": ListOf(V1ALPHA2_PROTOCOL),
                },
            )
        ),
    },
)
NODE_STATUS = Struct(
    "NodeStatus",
    {
        "capacity": STRING_MAP,
        "allocatable": STRING_MAP,
        "phase": S,
        "conditions": OBJECTS,
        "addresses": ListOf(Struct("NodeAddress", {"type": S, "address": S})),
        "daemonEndpoints": OBJ,
        "nodeInfo": OBJ,
        "images": OBJECTS,
        "volumesInUse": STRINGS,
        "volumesAttached": OBJECTS,
        "config": OBJ,
        "runtimeHandlers": OBJECTS,
        "features": OBJ,
    },
)


def _top(kind: str, spec: SchemaNode, status: SchemaNode = OBJ) -> Struct:
    return Struct(
        kind,
        {"apiVersion": S, "kind": S, "metadata": OBJECT_META, "spec": spec, "status": status},
    )


TIER_KIND_SCHEMAS: Mapping[str, Struct] = {
    "AdminNetworkPolicy": _top(
        "AdminNetworkPolicy", _v1alpha1_spec("AdminNetworkPolicy", priority=True, domains=True)
    ),
    "BaselineAdminNetworkPolicy": _top(
        "BaselineAdminNetworkPolicy",
        _v1alpha1_spec("BaselineAdminNetworkPolicy", priority=False, domains=False),
    ),
    "ClusterNetworkPolicy": _top("ClusterNetworkPolicy", CLUSTER_NETWORK_POLICY_SPEC),
    "Node": _top("Node", OBJ, NODE_STATUS),
}
