"""Where an endpoint without an IP is: somewhere in the pod CIDR.

A workload's pod template or a pending pod has no address yet; once it runs, it has one of
the pod CIDR's (one per family of a dual-stack CIDR). The pod CIDR is ``--pod-cidr``, else
the input's Nodes' ``spec.podCIDRs``, else 10.244.0.0/16: kubeadm has no pod network of its
own, and 10.244.0.0/16 is the one flannel's kubeadm guide passes to
``kubeadm init --pod-network-cidr`` (flannel-io/flannel, Documentation/kubernetes.md).

The CIDRs that can match a pod (ipBlocks, tier ``networks``, Calico ``nets``, Node addresses)
split the pod CIDR into *address classes*: pieces each CIDR holds all of or none of. An
endpoint without an IP is *placed* at one address of each class in turn (``placed``); a
verdict the same at every placement is exact, one that is not depends on the address.
A host-networked endpoint has its Node's address, not one of the pod CIDR: it is not placed.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import product

from netfence.engine.external import block_set, region_classes
from netfence.engine.intervals import IntervalSet, IPSet
from netfence.engine.tier_match import tier_cidrs
from netfence.model import Cluster, Endpoint, IPAddress, IPBlock, IPNetwork

DEFAULT_POD_CIDRS: tuple[IPNetwork, ...] = (ipaddress.ip_network("10.244.0.0/16"),)
SOURCES = {
    "given": "--pod-cidr",
    "input": "the input's Nodes, spec.podCIDRs",
    "default": "default: not given, not in the input",
}


@dataclass(frozen=True)
class PodCIDR:
    """The pod CIDR and where it comes from (``given``, ``input`` or ``default``)."""

    networks: tuple[IPNetwork, ...]
    source: str

    def __str__(self) -> str:
        cidrs = ", ".join(str(n) for n in self.networks)
        return f"pod CIDR {cidrs} ({SOURCES[self.source]})"


def pod_cidr(given: Sequence[IPNetwork], cluster: Cluster) -> PodCIDR:
    """``given``, else the Nodes' pod CIDRs, else the default."""
    if given:
        return PodCIDR(tuple(dict.fromkeys(given)), "given")
    found = tuple(dict.fromkeys(c for node in cluster.nodes for c in node.pod_cidrs))
    if found:
        return PodCIDR(found, "input")
    return PodCIDR(DEFAULT_POD_CIDRS, "default")


@dataclass(frozen=True)
class AddressClass:
    """Addresses of the pod CIDR every CIDR of the input treats alike: ``ips`` has one of
    them per family, ``addresses`` all of them (``name`` describes them)."""

    ips: tuple[IPAddress, ...]
    addresses: IPSet
    name: str


def unaddressed(node: object) -> bool:
    """An endpoint whose address is somewhere in the pod CIDR (no IP, not host-networked)."""
    return isinstance(node, Endpoint) and not node.ips and not node.host_network


def placed(endpoint: Endpoint, where: AddressClass, name: str = "") -> Endpoint:
    """``endpoint`` at an address of ``where`` (renamed ``name`` when given)."""
    return replace(endpoint, name=name or endpoint.name, ips=where.ips, placed_in=where.name)


def _regions(cluster: Cluster) -> list[IPSet]:
    """The address sets that can match a pod: ipBlocks, tier networks, Calico nets, Nodes."""
    blocks = [block_set(b) for b in cluster.ip_blocks()]
    return blocks + [IPSet.of([c]) for c in tier_cidrs(cluster)]


def _first(ranges: IntervalSet) -> int:
    """A usable address of ``ranges``: its first, past a network address when it can."""
    lo = ranges.ranges[0][0]
    return lo + 1 if lo % 256 == 0 and lo + 1 in ranges else lo


def _family(version: int, space: IntervalSet, regions: Sequence[IPSet]) -> list[IPSet]:
    """The pieces of one family of the pod CIDR, ordered by address."""
    parts = [r.v4 if version == 4 else r.v6 for r in regions]
    pieces = [c & space for c in region_classes(version, parts)]
    found = sorted((p for p in pieces if not p.is_empty), key=lambda p: p.ranges)
    return [IPSet(v4=p) if version == 4 else IPSet(v6=p) for p in found]


def _address(piece: IPSet) -> IPAddress:
    if not piece.v4.is_empty:
        return ipaddress.IPv4Address(_first(piece.v4))
    return ipaddress.IPv6Address(_first(piece.v6))


def address_classes(pod: PodCIDR, cluster: Cluster) -> tuple[AddressClass, ...]:
    """The address classes of the pod CIDR under ``cluster``'s CIDRs (one per combination of
    a piece of each family), ordered by address."""
    space = IPSet.of(pod.networks)
    regions = _regions(cluster)
    families = [
        _family(version, ranges, regions)
        for version, ranges in ((4, space.v4), (6, space.v6))
        if not ranges.is_empty
    ]
    out = []
    for pieces in product(*families):
        addresses = IPSet()
        for piece in pieces:
            addresses = addresses | piece
        name = addresses.description().replace("; ", " and ")
        out.append(AddressClass(tuple(_address(p) for p in pieces), addresses, name))
    return tuple(out)


def describe(classes: Sequence[AddressClass]) -> str:
    """Addresses of one of ``classes``: their union (single-stack), else each class."""
    if all(len(c.ips) == 1 for c in classes):
        union = IPSet()
        for c in classes:
            union = union | c.addresses
        return union.description()
    return " or ".join(c.name for c in classes)


def holds_part(block: IPBlock, pod: PodCIDR) -> bool:
    """Whether ``block`` holds some, not all, of the pod CIDR (of some family of it)."""
    space = IPSet.of(pod.networks)
    inside = block_set(block) & space
    return not inside.is_empty and inside != space


def placement_notes(pod: PodCIDR, cluster: Cluster) -> tuple[str, ...]:
    """What every output says when a CIDR of the input reaches into the pod CIDR and some
    endpoint has no IP (verdicts then rest on where its address is)."""
    loose = sum(1 for e in cluster.endpoints if unaddressed(e))
    space = IPSet.of(pod.networks)
    if not loose or all((r & space).is_empty for r in _regions(cluster)):
        return ()
    return (
        f"{loose} endpoint(s) without an IP are read as having an address in the {pod}: "
        "a CIDR that holds all of it matches them, one that holds part of it makes the "
        "verdict depend on the address",
    )
