"""Legacy CIDR parsing (``ParseCIDRSloppy``) and Go's containment rules."""

from __future__ import annotations

import ipaddress

import pytest

from netfence.model.goip import canonical_cidr, canonical_ip, parse_cidr, parse_ip


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("10.0.0.0/8", "10.0.0.0/8"),
        ("10.1.2.3/8", "10.0.0.0/8"),
        ("010.001.0.0/16", "10.1.0.0/16"),
        ("10.0.0.0/08", "10.0.0.0/8"),
        ("0.0.0.0/0", "0.0.0.0/0"),
        ("1.2.3.4/32", "1.2.3.4/32"),
        ("fd00::/8", "fd00::/8"),
        ("FD00:0:0::1/64", "fd00::/64"),
        ("::/0", "::/0"),
        ("::ffff:1.2.3.4/128", "::ffff:102:304/128"),
        ("00001::/16", "1::/16"),
        ("2001:db8::/32", "2001:db8::/32"),
    ],
)
def test_valid_cidrs_and_their_canonical_form(text: str, canonical: str) -> None:
    assert canonical_cidr(text) == canonical
    ipaddress.ip_network(canonical)


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "10.0.0.0",
        "10.0.0.0/",
        "10.0.0.0/33",
        "256.0.0.0/8",
        "10.0.0/8",
        "10.0.0.0.0/8",
        "10.0.0.0/-1",
        "10.0.0.0/+8",
        "10.0.0.0/8/8",
        "fd00::/129",
        "fd00::1::/64",
        "fe80::1%eth0/64",
        "1:2:3:4:5:6:7:8:9/64",
        "12345::/16",
        "::1.2.3.4.5/128",
        " 10.0.0.0/8",
        "1:2:3:4:5:6:7::8/64",
    ],
)
def test_invalid_cidrs(text: str) -> None:
    assert parse_cidr(text) is None


def test_containment_follows_go() -> None:
    cidr = parse_cidr("10.0.0.0/8")
    inside = parse_cidr("10.1.0.0/16")
    other_family = parse_cidr("fd00::/16")
    mapped = parse_cidr("::ffff:10.1.0.0/112")
    assert cidr and inside and other_family and mapped
    assert cidr.contains(inside.network)
    assert not cidr.contains(other_family.network)
    assert cidr.contains(mapped.network)


@pytest.mark.parametrize(
    ("text", "canonical"), [("10.0.0.1", "10.0.0.1"), ("010.0.0.1", "10.0.0.1"), ("::1", "::1")]
)
def test_addresses(text: str, canonical: str) -> None:
    assert canonical_ip(text) == canonical


def test_bad_address() -> None:
    assert parse_ip("10.0.0.256") is None
