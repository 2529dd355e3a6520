"""How findings name things: objects as ``Kind/namespace/name``, connections in words, and the
manifest key of a rule's peers."""

from __future__ import annotations

from netfence.engine import PortSet
from netfence.model import PROTOCOLS, Direction, Endpoint, NetworkPolicy, Protocol

Connections = dict[Protocol, PortSet]
PEERS_KEY: dict[Direction, str] = {"ingress": "from", "egress": "to"}


def endpoint_obj(endpoint: Endpoint) -> str:
    return f"{endpoint.kind}/{endpoint.namespace}/{endpoint.name}"


def policy_obj(policy: NetworkPolicy) -> str:
    return f"NetworkPolicy/{policy.namespace}/{policy.name}"


def describe_connections(connections: Connections) -> str:
    """``443/TCP``, ``all ports/TCP, 53/UDP`` or ``all ports and protocols``."""
    if len(connections) == len(PROTOCOLS) and all(p.is_all for p in connections.values()):
        return "all ports and protocols"
    parts = []
    for proto, ports in sorted(connections.items()):
        parts.append(f"all ports/{proto}" if ports.is_all else f"{ports}/{proto}")
    return ", ".join(parts)
