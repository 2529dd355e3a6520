"""nftables text shared by the lab's compilers: address families, named sets, port lists."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

FAMILY = {4: ("ip", "ipv4_addr"), 6: ("ip6", "ipv6_addr")}


def set_definition(name: str, kind: str, elements: Sequence[str], interval: bool) -> str:
    """One named set of the table (``interval``: elements may be prefixes or ranges)."""
    flags = "\n\t\tflags interval; auto-merge" if interval else ""
    body = f"\n\t\telements = {{ {', '.join(elements)} }}" if elements else ""
    return f"\tset {name} {{\n\t\ttype {kind};{flags}{body}\n\t}}"


def port_list(spans: Iterable[tuple[int, int]]) -> str:
    """``{ 80, 8000-8080 }``."""
    listed = ", ".join(str(lo) if lo == hi else f"{lo}-{hi}" for lo, hi in sorted(spans))
    return f"{{ {listed} }}"
