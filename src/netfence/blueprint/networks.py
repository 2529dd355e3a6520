"""Outside address sets as written in policies: each external's CIDRs minus its exceptions,
minus the cluster's own ranges and the cloud metadata addresses when the options ask for it."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from netfence.blueprint.schema import METADATA_ADDRESSES, Blueprint, External
from netfence.engine.intervals import IPSet
from netfence.model import IPNetwork


@dataclass(frozen=True)
class Block:
    """One ``ipBlock``: a CIDR and the (minimal, sorted) CIDRs it leaves out."""

    cidr: IPNetwork
    excepts: tuple[IPNetwork, ...] = ()

    def manifest(self) -> dict[str, object]:
        block: dict[str, object] = {"cidr": str(self.cidr)}
        if self.excepts:
            block["except"] = [str(e) for e in self.excepts]
        return block


def within(inner: IPNetwork, outer: IPNetwork) -> bool:
    """True when ``inner`` lies inside ``outer`` (both of the same IP version)."""
    if isinstance(inner, ipaddress.IPv4Network) and isinstance(outer, ipaddress.IPv4Network):
        return inner.subnet_of(outer)
    if isinstance(inner, ipaddress.IPv6Network) and isinstance(outer, ipaddress.IPv6Network):
        return inner.subnet_of(outer)
    return False


def kept_out(bp: Blueprint) -> tuple[tuple[IPNetwork, str], ...]:
    """Ranges removed from every external, each with the reason."""
    out: list[tuple[IPNetwork, str]] = []
    if bp.options.except_cluster_cidrs:
        out += [(c, "the cluster's pod CIDR") for c in bp.cluster.pod_cidrs]
        out += [(c, "the cluster's service CIDR") for c in bp.cluster.service_cidrs]
    if bp.options.block_metadata:
        out += [(c, "the cloud metadata address") for c in METADATA_ADDRESSES]
    return tuple(out)


def _minimal(networks: list[IPNetwork]) -> tuple[IPNetwork, ...]:
    """Sorted networks without those inside another."""
    unique = sorted(set(networks), key=sort_key)
    return tuple(n for n in unique if not any(o != n and within(n, o) for o in unique))


def blocks(bp: Blueprint, external: External) -> tuple[Block, ...]:
    """The ipBlocks of an external: one per CIDR that something outside the cluster remains of."""
    removed = [net for net, _ in kept_out(bp)]
    out: list[Block] = []
    for cidr in sorted(external.cidrs, key=sort_key):
        if any(within(cidr, r) for r in removed):
            continue
        inside = [e for e in [*external.excepts, *removed] if e != cidr and within(e, cidr)]
        out.append(Block(cidr, _minimal(inside)))
    return tuple(out)


def sort_key(net: IPNetwork) -> tuple[int, int, int]:
    """IPv4 before IPv6, then by address and prefix."""
    return (net.version, int(net.network_address), net.prefixlen)


def address_set(found: tuple[Block, ...]) -> IPSet:
    """The addresses a set of ipBlocks matches."""
    result = IPSet()
    for block in found:
        result = result | (IPSet.of([block.cidr]) - IPSet.of(block.excepts))
    return result
