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


def diff_lines(changes: Iterable[Change]) -> list[DiffLine]:
    """Workload pairs first, then external lines; each in first-seen order."""
    by_pair: dict[tuple[ChangeKind, str, str], dict[Protocol, PortSet]] = {}
    addresses: dict[str, IPSet] = {}
    for change in changes:
        by_pair.setdefault((change.kind, change.src, change.dst), {})[change.protocol] = (
            change.ports
        )
        addresses[change.src] = IPSet.of(change.src_cidrs)
        addresses[change.dst] = IPSet.of(change.dst_cidrs)
    lines: list[DiffLine] = []
    outside: dict[tuple[ChangeKind, str, bool, str], IPSet] = {}
    for (kind, src, dst), connections in by_pair.items():
        label = ports_label(connections)
        if src.startswith("ext:"):
            key = (kind, dst, True, label)
            outside[key] = outside.get(key, IPSet()) | addresses[src]
        elif dst.startswith("ext:"):
            key = (kind, src, False, label)
            outside[key] = outside.get(key, IPSet()) | addresses[dst]
        else:
            lines.append(DiffLine(kind, src, dst, label))
    for (kind, workload, inbound, label), merged in outside.items():
        external = f"ext:{merged.description()}"
        pair = (external, workload) if inbound else (workload, external)
        lines.append(DiffLine(kind, *pair, label))
    return lines
