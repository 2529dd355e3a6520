"""Canonical interval sets for ports and IP addresses."""

from __future__ import annotations

import ipaddress

from hypothesis import given
from hypothesis import strategies as st

from netfence.engine.intervals import IPSet, PortSet

ranges = st.lists(st.tuples(st.integers(1, 200), st.integers(0, 30)), max_size=5).map(
    lambda pairs: PortSet.of((lo, lo + width) for lo, width in pairs)
)


def members(ports: PortSet) -> set[int]:
    return {p for p in range(1, 260) if p in ports}


def test_port_set_prints_merged_ranges() -> None:
    ports = PortSet.single(81) | PortSet.single(80) | PortSet.single(8000, 8080)
    assert str(ports) == "80-81,8000-8080"
    assert str(PortSet.all()) == "all"
    assert str(PortSet.all() - ports) == "1-79,82-7999,8081-65535"


@given(ranges, ranges)
def test_port_set_algebra_matches_python_sets(a: PortSet, b: PortSet) -> None:
    assert members(a | b) == members(a) | members(b)
    assert members(a & b) == members(a) & members(b)
    assert members(a - b) == members(a) - members(b)
    assert (a - b).is_empty == (members(a) <= members(b))


def test_ip_set_gives_the_fewest_cidrs_of_a_difference() -> None:
    outside = IPSet.everything() - IPSet.of([ipaddress.ip_network("10.0.0.0/8")])
    cidrs = [str(c) for c in outside.cidrs()]
    assert cidrs[:3] == ["0.0.0.0/5", "8.0.0.0/7", "11.0.0.0/8"]
    assert cidrs[-1] == "::/0"
    assert ipaddress.ip_address("10.1.2.3") not in outside
    assert ipaddress.ip_address("192.0.2.1") in outside
    assert ipaddress.ip_address("2001:db8::1") in outside
