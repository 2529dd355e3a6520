"""The strict CIDR checks kube-apiserver v1.37 makes on create (StrictIPCIDRValidation).

A value that ``ParseCIDRSloppy`` reads (``netfence.model.goip``) is still rejected when Go's
``netip.ParsePrefix`` would not read it (leading zeros in an IPv4 octet or the prefix
length), when its address is IPv4-mapped IPv6, or when it has bits set beyond the prefix
length. Objects stored before those checks keep such values (the apiserver lets unchanged
values through on update), so the model still reads them; only validation rejects them.
"""

from __future__ import annotations

from netfence.model.goip import parse_cidr

LEADING_ZEROS = "must not have leading 0s in IP or prefix length"
IPV4_MAPPED = "must not have an IPv4-mapped IPv6 address"
HOST_BITS = "must not have bits set beyond the prefix length"
_V4_IN_V6_PREFIX = bytes(10) + b"\xff\xff"
_MAX_HEX_DIGITS = 4


def _leading_zero(field: str) -> bool:
    return len(field) > 1 and field.startswith("0")


def _not_strictly_parsable(address: str, bits: str) -> bool:
    """What ``netip.ParsePrefix`` refuses of a value the sloppy parser reads."""
    if _leading_zero(bits):
        return True
    groups = address.split(":")
    dotted = groups[-1].split(".") if "." in groups[-1] else []
    if dotted:
        groups = groups[:-1]
    return any(_leading_zero(octet) for octet in dotted) or any(
        len(group) > _MAX_HEX_DIGITS for group in groups
    )


def strict_cidr_problem(text: str) -> str | None:
    """Why the apiserver rejects a sloppily valid CIDR ``text`` on create, or None."""
    parsed = parse_cidr(text)
    if parsed is None:
        return None
    address, _, bits = text.partition("/")
    if _not_strictly_parsable(address, bits):
        return LEADING_ZEROS
    if ":" in address and parsed.address[:12] == _V4_IN_V6_PREFIX:
        return IPV4_MAPPED
    given = parsed.address[12:] if len(parsed.network) == 4 else parsed.address
    if given != parsed.network:
        return HOST_BITS
    return None
