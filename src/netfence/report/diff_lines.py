"""Diff changes grouped for people: one line per pair with all its protocols, and the
external ranges that changed alike for one workload merged into one address set."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from netfence.diff.result import Change, ChangeKind
from netfence.engine.intervals import IPSet, PortSet
from netfence.model import PROTOCOLS, Protocol


@dataclass(frozen=True)
class DiffLine:
    """What changed for one ordered pair: ``ports`` reads ``TCP 443 · UDP 53`` or ``all``."""

    kind: ChangeKind
    src: str
    dst: str
    ports: str
    tiers: tuple[str, ...] = ()
    """The tiers (Admin, Baseline) that decide the new state of some of these connections."""
    depends: bool = False
    """Some of these connections are allowed at some addresses of an end without an IP only."""
    pairs: int = 1
    """Grouped: how many of the ``of`` ordered pairs of members change so."""
    of: int = 1

    @property
    def tier_note(self) -> str:
        """`` [Admin tier]`` when a tier decides, `` (? depends on the pod's address)`` when
        an address decides, `` (3 of 6 pairs)`` for groups, else nothing."""
        note = f" [{' and '.join(self.tiers)} tier]" if self.tiers else ""
        note += " (? depends on the pod's address)" if self.depends else ""
        if self.of > 1:
            share = "all" if self.pairs == self.of else f"{self.pairs} of"
            note += f" ({share} {self.of} pairs)"
        return note

    @property
    def is_egress(self) -> bool:
        return not self.src.startswith("ext:")

    @property
    def is_ingress(self) -> bool:
        return not self.dst.startswith("ext:")


def ports_label(connections: Mapping[Protocol, PortSet]) -> str:
    """``all`` when every port of every protocol is in, else ``TCP 443 · UDP 53``."""
    if all(connections.get(p, PortSet()).is_all for p in PROTOCOLS):
        return "all"
    return " · ".join(
        f"{protocol} {ports}"
        for protocol in PROTOCOLS
        if not (ports := connections.get(protocol, PortSet())).is_empty
    )


PairKey = tuple[ChangeKind, str, str, int, int, int]
"""kind, ends, member pairs and of how many, and a number telling apart records of one
protocol that the same number of pairs of two groups have."""


def diff_lines(changes: Iterable[Change]) -> list[DiffLine]:
    """Workload pairs first, then external lines; each in first-seen order. Grouped, a line
    holds the protocols that the same number of member pairs gain (or lose)."""
    by_pair: dict[PairKey, dict[Protocol, PortSet]] = {}
    addresses: dict[str, IPSet] = {}
    tiers: dict[PairKey, set[str]] = {}
    depends: set[PairKey] = set()
    for change in changes:
        pair_key = (change.kind, change.src, change.dst, change.pairs, change.of, 0)
        while change.protocol in by_pair.get(pair_key, {}):
            pair_key = (*pair_key[:5], pair_key[5] + 1)
        if change.depends_on_address:
            depends.add(pair_key)
        by_pair.setdefault(pair_key, {})[change.protocol] = change.ports
        tiers.setdefault(pair_key, set()).update([change.tier] if change.tier else [])
        addresses[change.src] = IPSet.of(change.src_cidrs)
        addresses[change.dst] = IPSet.of(change.dst_cidrs)
    lines: list[DiffLine] = []
    outside: dict[tuple[ChangeKind, str, bool, str, tuple[str, ...], bool, int, int], IPSet] = {}
    for pair_key, connections in by_pair.items():
        kind, src, dst, pairs, of, _ = pair_key
        label = ports_label(connections)
        deciding = tuple(sorted(tiers[pair_key]))
        address = pair_key in depends
        if src.startswith("ext:"):
            key = (kind, dst, True, label, deciding, address, pairs, of)
            outside[key] = outside.get(key, IPSet()) | addresses[src]
        elif dst.startswith("ext:"):
            key = (kind, src, False, label, deciding, address, pairs, of)
            outside[key] = outside.get(key, IPSet()) | addresses[dst]
        else:
            lines.append(DiffLine(kind, src, dst, label, deciding, address, pairs, of))
    for (kind, workload, inbound, label, deciding, address, pairs, of), merged in outside.items():
        external = f"ext:{merged.description()}"
        pair = (external, workload) if inbound else (workload, external)
        lines.append(DiffLine(kind, *pair, label, deciding, address, pairs, of))
    return lines
