"""Canonical interval sets: ports (1..65535) and IP addresses (IPv4 and IPv6 apart)."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Self

from netfence.model import IPAddress, IPNetwork

Range = tuple[int, int]

MIN_PORT = 1
MAX_PORT = 65535


def _canonical(ranges: Iterable[Range]) -> tuple[Range, ...]:
    """Sorted, disjoint, non-adjacent inclusive ranges."""
    merged: list[list[int]] = []
    for lo, hi in sorted(r for r in ranges if r[0] <= r[1]):
        if merged and lo <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    return tuple((lo, hi) for lo, hi in merged)


def _intersect(a: tuple[Range, ...], b: tuple[Range, ...]) -> tuple[Range, ...]:
    out: list[Range] = []
    i = j = 0
    while i < len(a) and j < len(b):
        lo, hi = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if lo <= hi:
            out.append((lo, hi))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return tuple(out)


def _subtract(a: tuple[Range, ...], b: tuple[Range, ...]) -> tuple[Range, ...]:
    out: list[Range] = []
    for lo, hi in a:
        start = lo
        for blo, bhi in b:
            if bhi < start or blo > hi:
                continue
            if blo > start:
                out.append((start, blo - 1))
            start = max(start, bhi + 1)
        if start <= hi:
            out.append((start, hi))
    return tuple(out)


@dataclass(frozen=True)
class IntervalSet:
    """A set of integers as canonical inclusive ranges."""

    ranges: tuple[Range, ...] = ()

    @classmethod
    def of(cls, ranges: Iterable[Range]) -> Self:
        return cls(_canonical(ranges))

    def union(self, other: Self) -> Self:
        return type(self)(_canonical(self.ranges + other.ranges))

    def intersection(self, other: Self) -> Self:
        return type(self)(_intersect(self.ranges, other.ranges))

    def difference(self, other: Self) -> Self:
        return type(self)(_subtract(self.ranges, other.ranges))

    __or__ = union
    __and__ = intersection
    __sub__ = difference

    def __contains__(self, value: object) -> bool:
        if not isinstance(value, int):
            return False
        return any(lo <= value <= hi for lo, hi in self.ranges)

    def __iter__(self) -> Iterator[Range]:
        return iter(self.ranges)

    def __len__(self) -> int:
        return len(self.ranges)

    @property
    def is_empty(self) -> bool:
        return not self.ranges

    def size(self) -> int:
        """How many integers the set holds."""
        return sum(hi - lo + 1 for lo, hi in self.ranges)


class PortSet(IntervalSet):
    """Ports 1..65535, printed like ``80,443,8000-8080``."""

    @classmethod
    def all(cls) -> PortSet:
        return cls(((MIN_PORT, MAX_PORT),))

    @classmethod
    def single(cls, port: int, end_port: int | None = None) -> PortSet:
        return cls.of([(port, port if end_port is None else end_port)])

    @property
    def is_all(self) -> bool:
        return self.ranges == ((MIN_PORT, MAX_PORT),)

    def __str__(self) -> str:
        if self.is_all:
            return "all"
        return ",".join(str(lo) if lo == hi else f"{lo}-{hi}" for lo, hi in self.ranges)


@dataclass(frozen=True)
class IPSet:
    """A set of IP addresses: IPv4 and IPv6 as separate interval sets."""

    v4: IntervalSet = IntervalSet()
    v6: IntervalSet = IntervalSet()

    @classmethod
    def of(cls, networks: Iterable[IPNetwork]) -> IPSet:
        v4: list[Range] = []
        v6: list[Range] = []
        for net in networks:
            bucket = v4 if net.version == 4 else v6
            bucket.append((int(net.network_address), int(net.broadcast_address)))
        return cls(IntervalSet.of(v4), IntervalSet.of(v6))

    @classmethod
    def everything(cls) -> IPSet:
        return cls.of([ipaddress.ip_network("0.0.0.0/0"), ipaddress.ip_network("::/0")])

    def union(self, other: IPSet) -> IPSet:
        return IPSet(self.v4 | other.v4, self.v6 | other.v6)

    def intersection(self, other: IPSet) -> IPSet:
        return IPSet(self.v4 & other.v4, self.v6 & other.v6)

    def difference(self, other: IPSet) -> IPSet:
        return IPSet(self.v4 - other.v4, self.v6 - other.v6)

    __or__ = union
    __and__ = intersection
    __sub__ = difference

    def __contains__(self, value: object) -> bool:
        if isinstance(value, ipaddress.IPv4Address):
            return int(value) in self.v4
        if isinstance(value, ipaddress.IPv6Address):
            return int(value) in self.v6
        return False

    def __iter__(self) -> Iterator[tuple[IPAddress, IPAddress]]:
        for lo, hi in self.v4:
            yield ipaddress.IPv4Address(lo), ipaddress.IPv4Address(hi)
        for lo, hi in self.v6:
            yield ipaddress.IPv6Address(lo), ipaddress.IPv6Address(hi)

    @property
    def is_empty(self) -> bool:
        return self.v4.is_empty and self.v6.is_empty

    def cidrs(self) -> tuple[IPNetwork, ...]:
        """The fewest CIDRs whose union is exactly this set."""
        out: list[IPNetwork] = []
        for lo, hi in self:
            out.extend(ipaddress.summarize_address_range(lo, hi))
        return tuple(out)

    def family(self, version: int) -> IPSet:
        """Only the addresses of one IP version."""
        return IPSet(v4=self.v4) if version == 4 else IPSet(v6=self.v6)

    def covers(self) -> tuple[Cover, ...]:
        """Each non-empty address family two ways: its CIDRs, and its hull minus holes."""
        out = []
        for version, ranges in ((4, self.v4), (6, self.v6)):
            if ranges.is_empty:
                continue
            part = self.family(version)
            outer = hull(version, ranges)
            out.append(Cover(part.cidrs(), outer, (IPSet.of([outer]) - part).cidrs()))
        return tuple(out)

    def description(self) -> str:
        """``203.0.113.0/24``, ``0.0.0.0/0 except 10.0.0.0/8`` or ``::/0``, whichever is
        shorter; IPv4 and IPv6 parts are joined with ``; ``; the empty set is ``none``."""
        parts = [
            f"{cover.hull} except {','.join(str(h) for h in cover.holes)}"
            if cover.holes_are_shorter(slack=1)
            else ",".join(str(c) for c in cover.cidrs)
            for cover in self.covers()
        ]
        return "; ".join(parts) or "none"

    def __str__(self) -> str:
        return ",".join(str(c) for c in self.cidrs()) or "none"


def hull(version: int, ranges: IntervalSet) -> IPNetwork:
    """The smallest CIDR that holds every address of ``ranges`` (not empty)."""
    lo, hi = ranges.ranges[0][0], ranges.ranges[-1][1]
    host_bits = (lo ^ hi).bit_length()
    base = (lo >> host_bits) << host_bits
    network = ipaddress.IPv4Network if version == 4 else ipaddress.IPv6Network
    return network((base, (32 if version == 4 else 128) - host_bits))


@dataclass(frozen=True)
class Cover:
    """One address family of a set, described two ways: the fewest CIDRs, or the smallest
    CIDR around them (``hull``) minus its ``holes``."""

    cidrs: tuple[IPNetwork, ...]
    hull: IPNetwork
    holes: tuple[IPNetwork, ...]

    def holes_are_shorter(self, slack: int = 0) -> bool:
        """Whether "hull except holes" names fewer CIDRs than the list (by more than
        ``slack``)."""
        return bool(self.holes) and len(self.holes) + slack < len(self.cidrs)
