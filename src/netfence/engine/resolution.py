"""``--resolve``: names tied to addresses, so CIDR rules and FQDN rules can be compared.

Cilium lets a pod reach the addresses its DNS lookups of a ``toFQDNs`` name answered, and a
CIDR rule allows those addresses as any others. With ``NAME=IP[,IP]`` netfence assumes every
lookup of NAME answers those addresses. Then:

- each address is an external range of its own (``ext:IP/32``), and an FQDN rule (Cilium
  ``toFQDNs``, a tier's ``domainNames``) that covers a name resolved to it matches it too
  (for ``toFQDNs``: where the subject's lookups of that name are visible to the DNS proxy);
- ``fqdn:NAME`` is reachable where every one of its addresses is (a client may connect to
  any answer), so a CIDR allow covering them makes it reachable and a CIDR deny covering one
  of them blocks it; its verdict is that of the first address that refuses (else the first).

Patterns (``*.example.com``) are not resolved: their ``fqdn:`` nodes keep standing for
every name they match. Values are ``NAME=IP[,IP]``, or a hosts-format file (``IP NAME...``
lines, ``#`` comments).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from netfence.engine.external import ExternalRange
from netfence.model import IPAddress, IPNetwork

OPTION = "--resolve"
_NAME = re.compile(r"^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$")


@dataclass(frozen=True)
class ResolvedName:
    """One name, the addresses it resolves to, and where that was said."""

    name: str
    addresses: tuple[IPAddress, ...]
    origin: str

    @property
    def text(self) -> str:
        return ",".join(str(a) for a in self.addresses)


def _name(text: str) -> str:
    name = text.strip().lower().removesuffix(".")
    if not name:
        raise ValueError("empty name")
    if not _NAME.match(name) or len(name) > 253:
        raise ValueError(f"{text.strip()!r} is not a DNS name (patterns are not resolved)")
    return name


def _address(text: str) -> IPAddress:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        raise ValueError(f"{text.strip()!r} is not an IP address") from None


def parse_pair(text: str) -> ResolvedName:
    """``NAME=IP[,IP]``; ValueError saying what is wrong."""
    name, equals, addresses = text.partition("=")
    if not equals:
        raise ValueError(f"{text!r}: expected NAME=IP[,IP] or a hosts file")
    if not addresses.strip():
        raise ValueError(f"{text!r}: no address for {name.strip()!r}")
    try:
        return ResolvedName(_name(name), tuple(_address(a) for a in addresses.split(",")), OPTION)
    except ValueError as exc:
        raise ValueError(f"{text!r}: {exc}") from None


def parse_hosts(text: str, origin: str) -> list[ResolvedName]:
    """Every ``IP NAME [NAME...]`` line of a hosts-format file; ValueError naming the line."""
    found: list[ResolvedName] = []
    for number, line in enumerate(text.splitlines(), 1):
        fields = line.partition("#")[0].split()
        if not fields:
            continue
        try:
            if len(fields) < 2:
                raise ValueError(f"{fields[0]!r}: expected an address and a name")
            address = _address(fields[0])
            found += [ResolvedName(_name(n), (address,), f"{origin}:{number}") for n in fields[1:]]
        except ValueError as exc:
            raise ValueError(f"{origin}:{number}: {exc}") from None
    return found


def merged(entries: Iterable[ResolvedName]) -> tuple[ResolvedName, ...]:
    """One entry per name (its addresses in the order given, without repeats), sorted."""
    by_name: dict[str, ResolvedName] = {}
    for entry in entries:
        known = by_name.get(entry.name)
        if known is None:
            by_name[entry.name] = entry
        else:
            addresses = tuple(dict.fromkeys((*known.addresses, *entry.addresses)))
            by_name[entry.name] = replace(known, addresses=addresses)
    return tuple(by_name[name] for name in sorted(by_name))


def networks(resolved: Sequence[ResolvedName]) -> tuple[IPNetwork, ...]:
    """Each resolved address as a one-address network (an external range of its own)."""
    return tuple(
        dict.fromkeys(ipaddress.ip_network(a) for entry in resolved for a in entry.addresses)
    )


def with_names(
    externals: Sequence[ExternalRange], resolved: Sequence[ResolvedName]
) -> tuple[ExternalRange, ...]:
    """The external ranges, each resolved address's range carrying the names resolved to it."""
    names: dict[IPAddress, list[str]] = {}
    for entry in resolved:
        for address in entry.addresses:
            names.setdefault(address, []).append(entry.name)
    out = []
    for external in externals:
        tied = [n for a, ns in names.items() if not external.domain and a in external for n in ns]
        out.append(replace(external, resolved=tuple(dict.fromkeys(tied))) if tied else external)
    return tuple(out)


def address_nodes(
    externals: Sequence[ExternalRange], resolved: Sequence[ResolvedName]
) -> dict[str, tuple[str, ...]]:
    """``fqdn:NAME`` id -> the ids of its addresses' ranges, for every resolved name whose
    addresses are all outside the cluster (an address of a pod has no external range)."""
    ranges = [x for x in externals if not x.domain]
    found: dict[str, tuple[str, ...]] = {}
    for entry in resolved:
        ids = [next((x.id for x in ranges if a in x), None) for a in entry.addresses]
        if ids and all(ids):
            found[f"fqdn:{entry.name}"] = tuple(dict.fromkeys(i for i in ids if i))
    return found


def resolution_notes(
    resolved: Sequence[ResolvedName], addresses: dict[str, tuple[str, ...]]
) -> tuple[str, ...]:
    """One line per resolved name: its addresses, and how its ``fqdn:`` cells are decided."""
    notes = []
    for entry in resolved:
        node = f"fqdn:{entry.name}"
        if node in addresses:
            notes.append(
                f"{node} resolves to {entry.text} ({entry.origin}): its cells are allowed where "
                f"every one of {', '.join(addresses[node])} is, and FQDN rules of the name "
                "also match those addresses"
            )
        else:
            notes.append(
                f"{node} resolves to {entry.text} ({entry.origin}), an address of a pod in the "
                "input: not resolved, the name is matched by FQDN rules only"
            )
    return tuple(notes)
