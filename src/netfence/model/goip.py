"""CIDR parsing exactly as kube-apiserver v1.33 parses legacy fields (``ParseCIDRSloppy``).

With the default feature gates (StrictIPCIDRValidation off) the apiserver accepts host
bits after the prefix (``10.1.2.3/8``), leading zeros in IPv4 octets (``010.0.0.0/8``,
read as decimal) and in the prefix length, and IPv4-mapped IPv6 addresses. This module
follows Go's byte-level rules (4-byte IPv4 networks, 16-byte IPv6 ones, ``IPNet.Contains``)
so that the ``except`` subset check agrees with the apiserver, and gives a canonical text
that Python's ``ipaddress`` can read for the model.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

_BIG = 0xFFFFFF
_V4_IN_V6_PREFIX = bytes(10) + b"\xff\xff"


def _dtoi(text: str) -> tuple[int, int, bool]:
    """Leading decimal digits: (value, characters used, ok)."""
    value = 0
    index = 0
    while index < len(text) and "0" <= text[index] <= "9":
        value = value * 10 + ord(text[index]) - ord("0")
        if value >= _BIG:
            return _BIG, index, False
        index += 1
    return (value, index, index > 0)


def _xtoi(text: str) -> tuple[int, int, bool]:
    """Leading hexadecimal digits: (value, characters used, ok)."""
    value = 0
    index = 0
    while index < len(text) and text[index] in "0123456789abcdefABCDEF":
        value = value * 16 + int(text[index], 16)
        if value >= _BIG:
            return 0, index, False
        index += 1
    return (value, index, index > 0)


def _parse_ipv4(text: str) -> bytes | None:
    """Four decimal octets (leading zeros allowed), as a 16-byte IPv4-in-IPv6 address."""
    octets = bytearray()
    for position in range(4):
        if not text:
            return None
        if position > 0:
            if text[0] != ".":
                return None
            text = text[1:]
        value, used, ok = _dtoi(text)
        if not ok or value > 0xFF:
            return None
        text = text[used:]
        octets.append(value)
    if text:
        return None
    return _V4_IN_V6_PREFIX + bytes(octets)


def _parse_ipv6(text: str) -> bytes | None:
    """An IPv6 address with optional ``::`` and trailing dotted IPv4, or None."""
    ip = bytearray(16)
    ellipsis = -1
    if text.startswith("::"):
        ellipsis = 0
        text = text[2:]
        if not text:
            return bytes(ip)
    index = 0
    while index < 16:
        value, used, ok = _xtoi(text)
        if not ok or value > 0xFFFF:
            return None
        if used < len(text) and text[used] == ".":
            if (ellipsis < 0 and index != 12) or index + 4 > 16:
                return None
            ip4 = _parse_ipv4(text)
            if ip4 is None:
                return None
            ip[index : index + 4] = ip4[12:]
            text = ""
            index += 4
            break
        ip[index] = value >> 8
        ip[index + 1] = value & 0xFF
        index += 2
        text = text[used:]
        if not text:
            break
        if text[0] != ":" or len(text) == 1:
            return None
        text = text[1:]
        if text[0] == ":":
            if ellipsis >= 0:
                return None
            ellipsis = index
            text = text[1:]
            if not text:
                break
    if text:
        return None
    if index < 16:
        if ellipsis < 0:
            return None
        shift = 16 - index
        ip[ellipsis + shift : 16] = ip[ellipsis:index]
        ip[ellipsis : ellipsis + shift] = bytes(shift)
    elif ellipsis >= 0:
        return None
    return bytes(ip)


def _mask(ones: int, bits: int) -> bytes:
    value = ((1 << bits) - 1) ^ ((1 << (bits - ones)) - 1)
    return value.to_bytes(bits // 8, "big")


def _to4(ip: bytes) -> bytes | None:
    if len(ip) == 4:
        return ip
    if len(ip) == 16 and ip[:12] == _V4_IN_V6_PREFIX:
        return ip[12:]
    return None


def _apply_mask(ip: bytes, mask: bytes) -> bytes:
    if len(mask) == 16 and len(ip) == 4 and mask[:12] == b"\xff" * 12:
        mask = mask[12:]
    if len(mask) == 4 and len(ip) == 16 and ip[:12] == _V4_IN_V6_PREFIX:
        ip = ip[12:]
    return bytes(a & b for a, b in zip(ip, mask, strict=True))


@dataclass(frozen=True)
class GoCIDR:
    """A parsed CIDR as Go's ``net.IPNet``: network bytes, mask bytes, and the address."""

    network: bytes
    mask: bytes
    address: bytes

    @property
    def prefix_len(self) -> int:
        return sum(bin(byte).count("1") for byte in self.mask)

    def contains(self, ip: bytes) -> bool:
        """``IPNet.Contains``, including Go's IPv4-in-IPv6 conversions."""
        network = _to4(self.network)
        mask = self.mask
        if network is None:
            network = self.network
        if len(mask) == 16 and len(network) == 4:
            mask = mask[12:]
        elif len(mask) == 4 and len(network) != 4:
            return False
        address = _to4(ip) or ip
        if len(address) != len(network):
            return False
        return all(n & m == a & m for n, m, a in zip(network, mask, address, strict=True))

    def canonical(self) -> str:
        """The network as text that ``ipaddress.ip_network`` reads (host bits cleared)."""
        if len(self.network) == 4:
            return f"{ipaddress.IPv4Address(self.network)}/{self.prefix_len}"
        return f"{ipaddress.IPv6Address(self.network)}/{self.prefix_len}"


def parse_cidr(text: str) -> GoCIDR | None:
    """``netutils.ParseCIDRSloppy``: None when the apiserver would reject the value."""
    slash = text.find("/")
    if slash < 0:
        return None
    address_text, mask_text = text[:slash], text[slash + 1 :]
    length = 4
    address = _parse_ipv4(address_text)
    if address is None:
        length = 16
        address = _parse_ipv6(address_text)
    ones, used, ok = _dtoi(mask_text)
    if address is None or not ok or used != len(mask_text) or ones > 8 * length:
        return None
    mask = _mask(ones, 8 * length)
    return GoCIDR(_apply_mask(address, mask), mask, address)


def canonical_cidr(text: str) -> str:
    """A legacy-valid CIDR rewritten for ``ipaddress`` (the text itself when unparsable)."""
    parsed = parse_cidr(text)
    return parsed.canonical() if parsed else text


def parse_ip(text: str) -> bytes | None:
    """``netutils.ParseIPSloppy``: 16 bytes, or None when the apiserver would reject it."""
    return _parse_ipv4(text) or _parse_ipv6(text)


def canonical_ip(text: str) -> str:
    """A legacy-valid IP address rewritten for ``ipaddress`` (the text itself when unparsable)."""
    parsed = parse_ip(text)
    if parsed is None:
        return text
    if parsed[:12] == _V4_IN_V6_PREFIX and "." in text and ":" not in text:
        return str(ipaddress.IPv4Address(parsed[12:]))
    return str(ipaddress.IPv6Address(parsed))
