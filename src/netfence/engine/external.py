"""The external partition: classes of outside IP space that every ipBlock treats alike."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from netfence.engine.intervals import IntervalSet, IPSet, Range
from netfence.model import IPAddress, IPBlock, IPNetwork

DOCUMENTATION_RANGES: tuple[IPNetwork, ...] = tuple(
    ipaddress.ip_network(text)
    for text in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32")
)
SPACE_END = {4: 2**32, 6: 2**128}


@dataclass(frozen=True)
class ExternalRange:
    """One class of outside addresses: every ipBlock contains all of it or none of it."""

    id: str
    cidrs: tuple[IPNetwork, ...]
    version: int
    representative: IPAddress
    name: str
    domain: str = ""
    origin: str = field(default="", compare=False)  # the policy ipBlock that made it
    resolved: tuple[str, ...] = field(default=(), compare=False)
    """Names ``--resolve`` ties to this range's one address (FQDN rules of them match it)."""

    @property
    def domains(self) -> tuple[str, ...]:
        """The names FQDN rules are matched against: an ``fqdn:`` node's own, or the names
        resolved to this address."""
        return (self.domain,) if self.domain else self.resolved

    def __contains__(self, ip: object) -> bool:
        return any(ip in cidr for cidr in self.cidrs)


def block_set(block: IPBlock) -> IPSet:
    """The addresses an ipBlock matches: its cidr minus its excepts."""
    return IPSet.of([block.cidr]) - IPSet.of(block.excepts)


def _address(version: int, value: int) -> IPAddress:
    return ipaddress.IPv4Address(value) if version == 4 else ipaddress.IPv6Address(value)


@dataclass(frozen=True)
class _Description:
    """A readable exact description of a set of addresses."""

    body: str
    name: str
    cidrs: tuple[IPNetwork, ...]
    size: int


def _short(cidrs: Sequence[IPNetwork]) -> str:
    """At most three CIDRs, then how many more."""
    shown = ",".join(str(c) for c in cidrs[:3])
    return shown + (f" (+{len(cidrs) - 3} more)" if len(cidrs) > 3 else "")


def _describe(version: int, ranges: IntervalSet) -> _Description:
    """A CIDR list, or a hull minus its holes, whichever is shorter."""
    (cover,) = (IPSet(v4=ranges) if version == 4 else IPSet(v6=ranges)).covers()
    cidrs, hull, holes = cover.cidrs, cover.hull, cover.holes
    if cover.holes_are_shorter():
        body = f"{hull}-except-{','.join(str(h) for h in holes)}"
        return _Description(body, f"{hull} except {_short(holes)}", cidrs, 1 + len(holes))
    listed = ",".join(str(c) for c in cidrs)
    if len(cidrs) == 1 and cidrs[0].prefixlen == 0:
        return _Description(listed, f"any IPv{version} address", cidrs, 1)
    return _Description(listed, _short(cidrs), cidrs, len(cidrs))


def _shortest(version: int, outside: IntervalSet, ranges: IntervalSet) -> _Description:
    """Endpoint addresses are nobody's external, so a description may include them or not."""
    return min((_describe(version, r) for r in (outside, ranges)), key=lambda d: d.size)


def _representative(version: int, outside: IntervalSet) -> IPAddress:
    """An address from a documentation range when the class holds one, else the first usable."""
    for doc in DOCUMENTATION_RANGES:
        if doc.version != version:
            continue
        inside = outside & IntervalSet.of([(int(doc[0]), int(doc[-1]))])
        if not inside.is_empty:
            lo = inside.ranges[0][0]
            return _address(version, lo + 1 if lo == int(doc[0]) and lo + 1 in inside else lo)
    lo = outside.ranges[0][0]
    usable = lo + 1 if lo % 256 == 0 and lo + 1 in outside else lo
    return _address(version, usable)


def region_classes(version: int, regions: Sequence[IntervalSet]) -> list[IntervalSet]:
    """Group elementary intervals of the space by which regions contain them."""
    end = SPACE_END[version]
    bounds = sorted({0, end} | {b for r in regions for lo, hi in r for b in (lo, hi + 1)})
    index = {b: i for i, b in enumerate(bounds)}
    member = np.zeros((len(bounds) - 1, max(len(regions), 1)), dtype=bool)
    for column, region in enumerate(regions):
        for lo, hi in region:
            member[index[lo] : index[hi + 1], column] = True
    _, inverse = np.unique(np.packbits(member, axis=1), axis=0, return_inverse=True)
    groups: dict[int, list[Range]] = {}
    for i, group in enumerate(inverse.reshape(-1)):
        groups.setdefault(int(group), []).append((bounds[i], bounds[i + 1] - 1))
    return [IntervalSet.of(ranges) for ranges in groups.values()]


def partition(
    blocks: Iterable[IPBlock],
    extra_cidrs: Iterable[IPNetwork] = (),
    endpoint_ips: Iterable[IPAddress] = (),
) -> tuple[ExternalRange, ...]:
    """The external ranges: IPv4 classes first, then IPv6, each ordered by address."""
    region_sets = {block_set(b) for b in blocks} | {IPSet.of([c]) for c in extra_cidrs}
    taken = IPSet.of(ipaddress.ip_network(ip) for ip in endpoint_ips)
    out: list[ExternalRange] = []
    for version in (4, 6):
        regions = sorted(
            {(r.v4 if version == 4 else r.v6) for r in region_sets} - {IntervalSet()},
            key=lambda r: r.ranges,
        )
        pods = taken.v4 if version == 4 else taken.v6
        for ranges in sorted(region_classes(version, regions), key=lambda r: r.ranges):
            outside = ranges - pods
            if outside.is_empty:
                continue
            description = _shortest(version, outside, ranges)
            out.append(
                ExternalRange(
                    id=f"ext:{description.body}",
                    cidrs=description.cidrs,
                    version=version,
                    representative=_representative(version, outside),
                    name=description.name,
                )
            )
    return tuple(out)
