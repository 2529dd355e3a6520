"""Readable names for sets of outside addresses: a CIDR list, or a CIDR with its holes."""

from __future__ import annotations

import ipaddress

from netfence.engine.intervals import IntervalSet, IPSet
from netfence.model import IPNetwork

BITS = {4: 32, 6: 128}


def hull(version: int, ranges: IntervalSet) -> IPNetwork:
    """The smallest CIDR that holds every address of ``ranges`` (not empty)."""
    lo, hi = ranges.ranges[0][0], ranges.ranges[-1][1]
    host_bits = (lo ^ hi).bit_length()
    base = (lo >> host_bits) << host_bits
    network = ipaddress.IPv4Network if version == 4 else ipaddress.IPv6Network
    return network((base, BITS[version] - host_bits))


def describe(addresses: IPSet) -> str:
    """``203.0.113.0/24``, ``0.0.0.0/0 except 10.0.0.0/8`` or ``::/0``, whichever is shorter.

    IPv4 and IPv6 parts are joined with ``; ``; the empty set is ``none``.
    """
    parts = []
    for version, ranges in ((4, addresses.v4), (6, addresses.v6)):
        if ranges.is_empty:
            continue
        part = IPSet(v4=ranges) if version == 4 else IPSet(v6=ranges)
        cover = part.cidrs()
        outer = hull(version, ranges)
        holes = (IPSet.of([outer]) - part).cidrs()
        if holes and len(holes) + 1 < len(cover):
            parts.append(f"{outer} except {','.join(str(h) for h in holes)}")
        else:
            parts.append(",".join(str(c) for c in cover))
    return "; ".join(parts) or "none"
