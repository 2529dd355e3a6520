"""The external partition: disjoint classes that every ipBlock treats alike."""

from __future__ import annotations

import ipaddress

from hypothesis import given
from hypothesis import strategies as st

from netfence.engine.external import block_set, partition
from netfence.engine.intervals import IPSet
from netfence.model import IPBlock
from tests.engine.strategies import ip_blocks

POD_IPS = (ipaddress.ip_address("10.0.0.1"), ipaddress.ip_address("10.0.1.65"))


def test_cidr_minus_except_reads_as_two_ranges() -> None:
    block = IPBlock(ipaddress.ip_network("0.0.0.0/0"), (ipaddress.ip_network("10.0.0.0/8"),))
    externals = partition([block])
    assert [x.id for x in externals] == [
        "ext:0.0.0.0/0-except-10.0.0.0/8",
        "ext:10.0.0.0/8",
        "ext:::/0",
    ]
    assert str(externals[0].representative) == "192.0.2.1"
    assert str(externals[1].representative) == "10.0.0.1"
    assert str(externals[2].representative) == "2001:db8::1"
    assert externals[2].name == "any IPv6 address"


def test_a_class_made_only_of_pod_addresses_is_no_external() -> None:
    block = IPBlock(ipaddress.ip_network("10.0.0.1/32"))
    ids = [x.id for x in partition([block], endpoint_ips=[POD_IPS[0]])]
    assert "ext:10.0.0.1/32" not in ids
    assert ids[0] == "ext:0.0.0.0/0-except-10.0.0.1/32"


def test_extra_cidrs_refine_the_partition() -> None:
    ids = [x.id for x in partition([], extra_cidrs=[ipaddress.ip_network("198.51.100.0/24")])]
    assert "ext:198.51.100.0/24" in ids


@given(st.lists(ip_blocks(), max_size=4), st.lists(st.sampled_from(POD_IPS), max_size=2))
def test_classes_are_disjoint_cover_the_outside_and_are_uniform(
    blocks: list[IPBlock], pods: list[ipaddress.IPv4Address]
) -> None:
    externals = partition(blocks, endpoint_ips=pods)
    assert all(x.id.startswith("ext:") for x in externals)
    assert len({x.id for x in externals}) == len(externals)
    union = IPSet()
    for external in externals:
        cover = IPSet.of(external.cidrs)
        assert (union & cover).is_empty
        union = union | cover
        assert external.representative in cover and external.representative not in pods
        for block in blocks:
            inside = block_set(block)
            # a class lies wholly inside or wholly outside every block
            assert (cover - inside).is_empty or (cover & inside).is_empty
    assert (
        IPSet.everything() - IPSet.of(ipaddress.ip_network(ip) for ip in pods)
    ) - union == IPSet()
