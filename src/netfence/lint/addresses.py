"""Address facts the exposure rules need: metadata services and non-public ranges."""

from __future__ import annotations

import ipaddress

from netfence.engine import ExternalRange, IPSet
from netfence.model import IPAddress, IPNetwork

# IANA special-purpose space that is not the public internet. The documentation ranges
# (192.0.2.0/24, ...) are deliberately absent: manifests use them to stand for public hosts.
NON_PUBLIC: tuple[IPNetwork, ...] = tuple(
    ipaddress.ip_network(text)
    for text in (
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.0.0.0/24",
        "192.168.0.0/16",
        "198.18.0.0/15",
        "224.0.0.0/4",
        "240.0.0.0/4",
        "::/127",
        "::ffff:0:0/96",
        "64:ff9b:1::/48",
        "100::/64",
        "fc00::/7",
        "fe80::/10",
        "ff00::/8",
    )
)
NON_PUBLIC_SET = IPSet.of(NON_PUBLIC)
# Addresses that never leave the node: loopback and link-local.
NODE_LOCAL: tuple[IPNetwork, ...] = tuple(
    ipaddress.ip_network(text) for text in ("127.0.0.0/8", "169.254.0.0/16", "::1/128", "fe80::/10")
)


def is_public(external: ExternalRange) -> bool:
    """Whether an external class holds public internet addresses."""
    return not (IPSet.of(external.cidrs) - NON_PUBLIC_SET).is_empty


def host_network(ip: IPAddress) -> IPNetwork:
    """The one-address network of ``ip`` (/32 or /128)."""
    return ipaddress.ip_network(ip)


def describe_externals(externals: list[ExternalRange], limit: int = 4) -> str:
    """The addresses of several external ranges in words, e.g. "the public internet",
    "any IPv4 address", or CIDRs."""
    reached = IPSet.of(cidr for external in externals for cidr in external.cidrs)
    texts = [
        _family_text(IPSet(v4=reached.v4), IPSet.of([ipaddress.ip_network("0.0.0.0/0")]), limit),
        _family_text(IPSet(v6=reached.v6), IPSet.of([ipaddress.ip_network("::/0")]), limit),
    ]
    v4, v6 = texts
    if v4.replace("IPv4", "IPv6") == v6 and "IPv4" in v4:
        return v4.replace("IPv4 ", "")
    return ", ".join(text for text in texts if text)


def _family_text(reached: IPSet, family: IPSet, limit: int) -> str:
    if reached.is_empty:
        return ""
    version = "IPv4" if reached.v6.is_empty else "IPv6"
    if (family - reached).is_empty:
        return f"any {version} address"
    if (family - NON_PUBLIC_SET - reached).is_empty:
        return f"the public {version} internet"
    return _hull_text(reached, limit)


def _hull_text(reached: IPSet, limit: int) -> str:
    """One address family: its CIDRs, or the smallest CIDR around them minus its holes."""
    (cover,) = reached.covers()
    if cover.holes_are_shorter():
        return f"{cover.hull} except {_listed(cover.holes, limit)}"
    return _listed(cover.cidrs, limit)


def _listed(cidrs: tuple[IPNetwork, ...], limit: int) -> str:
    texts = [str(c) for c in cidrs[:limit]]
    if len(cidrs) > limit:
        texts.append(f"{len(cidrs) - limit} more")
    return ", ".join(texts)
