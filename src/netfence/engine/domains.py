"""Domain names as external destinations of their own: ``fqdn:<name>`` nodes.

A domain resolves to addresses netfence cannot know, so an ``fqdn:`` node is matched by
domain-name peers that cover it, and by a CIDR peer only when that CIDR holds the whole
address space of a family (wherever the name resolves, it lies inside).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from netfence.engine.cilium_externals import cilium_domains
from netfence.engine.external import ExternalRange
from netfence.model import Cluster, IPBlock, IPNetwork

FQDN_PREFIX = "fqdn:"
# An fqdn node has no addresses; this address is never inside any CIDR except a /0.
_NO_ADDRESS = ipaddress.IPv4Address("0.0.0.0")


def domain_names(cluster: Cluster) -> list[str]:
    """Every domain a ``domainNames`` peer or a ``toFQDNs`` names, as written (normalised),
    sorted."""
    found = cilium_domains(cluster) | {
        name
        for policy in cluster.tier_policies
        for rule in policy.egress
        for peer in rule.peers
        for name in peer.domains
    }
    return sorted(found)


def domain_externals(cluster: Cluster, resolved: Iterable[str] = ()) -> tuple[ExternalRange, ...]:
    """One external node per domain name the policies name, and per ``resolved`` name."""
    return tuple(
        ExternalRange(
            id=FQDN_PREFIX + name,
            cidrs=(),
            version=4,
            representative=_NO_ADDRESS,
            name=name,
            domain=name,
        )
        for name in sorted(set(domain_names(cluster)) | set(resolved))
    )


def covers(pattern: str, name: str) -> bool:
    """Whether every name ``name`` stands for is matched by ``pattern``.

    ``*.`` matches one or more whole labels; anything else matches exactly.
    """
    if not pattern.startswith("*."):
        return pattern == name
    suffix = pattern[2:]
    if name.startswith("*."):
        stem = name[2:]
        return stem == suffix or stem.endswith("." + suffix)
    return name.endswith("." + suffix)


def network_covers_domain(network: IPNetwork) -> bool:
    return network.prefixlen == 0


def block_covers_domain(block: IPBlock) -> bool:
    """An ipBlock matches a domain only when it is a whole family with nothing excepted."""
    return network_covers_domain(block.cidr) and not block.excepts
