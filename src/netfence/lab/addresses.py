"""Lab addresses: pod IPs (declared or assigned) and one usable address per external range."""

from __future__ import annotations

import dataclasses
import ipaddress
from collections.abc import Iterable, Iterator

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
