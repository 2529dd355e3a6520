"""Lab addresses: pod IPs (declared or assigned) and one usable address per external range."""

from __future__ import annotations

import dataclasses
import ipaddress
from collections.abc import Iterable, Iterator

from netfence.engine.cilium_externals import cilium_blocks
from netfence.engine.intervals import IPSet
from netfence.engine.tier_match import tier_cidrs
from netfence.model import Cluster, Endpoint, IPAddress, IPNetwork

POD_CIDR_V4 = ipaddress.IPv4Network("10.244.0.0/16")
POD_CIDR_V6 = ipaddress.IPv6Network("fd00:10:244::/112")
_UNUSABLE: tuple[IPNetwork, ...] = tuple(
    ipaddress.ip_network(text)
    for text in (
        "0.0.0.0/8",
        "127.0.0.0/8",
        "224.0.0.0/4",
        "240.0.0.0/4",
        "::/127",
        "::ffff:0:0/96",
        "fe80::/10",
        "ff00::/8",
    )
)


def usable(ip: IPAddress) -> bool:
    """Whether the kernel accepts ``ip`` as a unicast host address."""
    return not any(ip in net for net in _UNUSABLE if net.version == ip.version)


def _free(network: IPNetwork, taken: set[IPAddress]) -> Iterator[IPAddress]:
    for ip in network.hosts():
        if ip not in taken and usable(ip) and int(ip) % 256 not in (0, 255):
            yield ip


def with_lab_addresses(cluster: Cluster) -> Cluster:
    """The cluster where every endpoint without an IP gets one from the pod CIDR.

    IPv6 addresses are assigned too when some endpoint already has one (a dual-stack cluster).
    """
    taken = {ip for e in cluster.endpoints for ip in e.ips}
    dual = any(ip.version == 6 for ip in taken)
    free_v4 = _free(POD_CIDR_V4, taken)
    free_v6 = _free(POD_CIDR_V6, taken)
    endpoints: list[Endpoint] = []
    for endpoint in cluster.endpoints:
        if not endpoint.ips:
            ips: tuple[IPAddress, ...] = (next(free_v4),)
            if dual:
                ips += (next(free_v6),)
            endpoint = dataclasses.replace(endpoint, ips=ips)
        endpoints.append(endpoint)
    return dataclasses.replace(cluster, endpoints=tuple(endpoints))


def assigned_addresses(original: Cluster, addressed: Cluster) -> frozenset[IPAddress]:
    """Addresses the lab made up for endpoints that declared none.

    They stand for IPs nobody knows, so ipBlocks must not match them (the engine never matches
    an ipBlock to an endpoint without an IP).
    """
    declared = {ip for e in original.endpoints for ip in e.ips}
    return frozenset(ip for e in addressed.endpoints for ip in e.ips if ip not in declared)


def external_address(
    cidrs: Iterable[IPNetwork], preferred: IPAddress, pod_ips: set[IPAddress]
) -> IPAddress | None:
    """An address of the range the kernel can use: ``preferred`` when possible."""
    networks = tuple(cidrs)
    candidates = [preferred]
    candidates += [net.network_address + 1 for net in networks if net.num_addresses > 1]
    candidates += [net.network_address for net in networks]
    candidates += [
        bad.broadcast_address + 1
        for bad in _UNUSABLE
        if int(bad.broadcast_address) + 1 < (2**32 if bad.version == 4 else 2**128)
    ]
    for ip in candidates:
        inside = any(ip.version == net.version and ip in net for net in networks)
        if inside and usable(ip) and ip not in pod_ips:
            return ip
    return None


FQDN_RANGES: tuple[IPNetwork, ...] = tuple(
    ipaddress.ip_network(text) for text in ("198.18.0.0/15", "100.64.0.0/10", "192.0.0.0/24")
)
"""Where the lab's ``fqdn:`` namespaces take their addresses (benchmarking, shared and IETF
space: no real service answers there)."""


def named_cidrs(cluster: Cluster) -> tuple[IPNetwork, ...]:
    """Every CIDR a policy names (ipBlocks, Cilium CIDRs and their excepts, tier networks,
    Calico nets, Node addresses): where an ``fqdn:`` node's lab address must not be."""
    blocks = [*cluster.ip_blocks(), *cilium_blocks(cluster)]
    return (
        *(net for block in blocks for net in (block.cidr, *block.excepts)),
        *tier_cidrs(cluster),
    )


def fqdn_address(avoid: Iterable[IPNetwork], taken: set[IPAddress]) -> IPAddress | None:
    """An IPv4 address for an ``fqdn:`` node: outside every CIDR in ``avoid`` except those
    holding a whole family (where a name resolves is unknown, so only those may match it)."""
    narrow = IPSet.of(net for net in avoid if net.prefixlen > 0 and net.version == 4)
    for network in FQDN_RANGES:
        for lo, hi in (IPSet.of([network]) - narrow).v4.ranges:
            for value in range(lo, min(hi, lo + len(taken) + 512) + 1):
                ip = ipaddress.IPv4Address(value)
                if ip not in taken and usable(ip) and value % 256 not in (0, 255):
                    return ip
    return None
