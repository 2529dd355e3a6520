"""Connection sets in one canonical form, so netfence's and nca's semantic diffs compare exactly.

A key names a changed pair and protocol: ``(kind, src, dst, protocol)`` between pods, or
``(kind, pod, "to"|"from", protocol)`` with an IP range. Pod-to-pod values are port sets;
pod-to-IP values are the sorted maximal address ranges sharing the same port set.
"""

from __future__ import annotations

import ipaddress
import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from netfence.engine.intervals import IPSet, PortSet

PROTOCOLS = ("TCP", "UDP", "SCTP")
PodKey = tuple[str, str, str, str]
IPKey = tuple[str, str, str, str]
IPRanges = tuple[tuple[int, int, int, str], ...]


def ports_of(values: Iterable[int | str]) -> PortSet:
    """nca's ``dst_ports`` list: numbers and ``lo-hi`` strings."""
    ranges = []
    for value in values:
        lo, _, hi = str(value).partition("-")
        ranges.append((int(lo), int(hi or lo)))
    return PortSet.of(ranges)


def ip_ranges(entries: Sequence[tuple[IPSet, PortSet]]) -> IPRanges:
    """Maximal (version, lo, hi) address ranges with the same port set, from overlapping entries."""
    out: list[tuple[int, int, int, str]] = []
    for version in (4, 6):
        spans = [(s.v4 if version == 4 else s.v6, p) for s, p in entries]
        cuts = sorted({b for ranges, _ in spans for lo, hi in ranges for b in (lo, hi + 1)})
        for lo, nxt in itertools.pairwise(cuts):
            ports = PortSet()
            for ranges, p in spans:
                if lo in ranges:
                    ports = ports | p
            if ports.is_empty:
                continue
            text = str(ports)
            if out and out[-1][0] == version and out[-1][2] + 1 == lo and out[-1][3] == text:
                out[-1] = (version, out[-1][1], nxt - 1, text)
            else:
                out.append((version, lo, nxt - 1, text))
    return tuple(out)


class Canon:
    """Accumulates changes, then freezes them into comparable dictionaries."""

    def __init__(self) -> None:
        self.pods: dict[PodKey, PortSet] = defaultdict(PortSet)
        self.ips: dict[IPKey, list[tuple[IPSet, PortSet]]] = defaultdict(list)

    def pod_pair(self, kind: str, src: str, dst: str, protocol: str, ports: PortSet) -> None:
        key = (kind, src, dst, protocol)
        self.pods[key] = self.pods[key] | ports

    def ip_pair(
        self, kind: str, pod: str, way: str, protocol: str, cidrs: Iterable[str], ports: PortSet
    ) -> None:
        addresses = IPSet.of(ipaddress.ip_network(c) for c in cidrs)
        self.ips[(kind, pod, way, protocol)].append((addresses, ports))

    def frozen(self) -> dict[tuple[str, ...], str | IPRanges]:
        out: dict[tuple[str, ...], str | IPRanges] = {k: str(v) for k, v in self.pods.items()}
        out.update({k: ip_ranges(v) for k, v in self.ips.items()})
        return out


def from_netfence(document: Mapping[str, Any]) -> dict[tuple[str, ...], str | IPRanges]:
    """``netfence diff --format json`` in canonical form."""
    canon = Canon()
    for kind in ("added", "removed"):
        for c in document[kind]:
            ports = PortSet.of(tuple(r) for r in c["port_ranges"])
            if "to_cidrs" in c:
                canon.ip_pair(kind, c["from"], "to", c["protocol"], c["to_cidrs"], ports)
            elif "from_cidrs" in c:
                canon.ip_pair(kind, c["to"], "from", c["protocol"], c["from_cidrs"], ports)
            else:
                canon.pod_pair(kind, c["from"], c["to"], c["protocol"], ports)
    return canon.frozen()


def _pods(namespaces: list[str], names: list[str], pods: Sequence[str]) -> list[str]:
    """nca's (namespaces, pod names or ``*``) as ``ns/name`` ids."""
    return [
        p
        for p in pods
        if p.split("/")[0] in namespaces and ("*" in names or p.split("/")[1] in names)
    ]


def connections(conns: Any) -> dict[str, PortSet]:
    """nca's ``connection`` value: ``All connections``, ``{"All but": [...]}`` or a list of
    ``{"protocols": "TCP, UDP", "dst_ports": [...]}`` (no ``dst_ports`` = every port)."""
    out = {p: PortSet() for p in PROTOCOLS}
    for conn in conns if isinstance(conns, list) else [conns]:
        if conn == "All connections":
            out = {p: PortSet.all() for p in PROTOCOLS}
        elif "All but" in conn:
            excluded = connections(conn["All but"])
            for p in PROTOCOLS:
                out[p] = out[p] | (PortSet.all() - excluded[p])
        else:
            ports = ports_of(conn["dst_ports"]) if "dst_ports" in conn else PortSet.all()
            for p in conn["protocols"].split(","):
                out[p.strip()] = out[p.strip()] | ports
    return out


def from_nca(
    result: Sequence[Mapping[str, Any]], pods: Sequence[str]
) -> dict[tuple[str, ...], str | IPRanges]:
    """nca's ``--semantic_diff -o json`` in canonical form; ``pods`` are all ``ns/name`` ids."""
    canon = Canon()
    for section in result[0].get("explanation", []):
        description = section["description"]
        kind = "added" if description.startswith("Added") else "removed"
        if "persistent peers" not in description:
            raise AssertionError(f"unexpected nca section (topologies differ?): {description}")
        for rule in section["rules"]:
            for protocol, ports in connections(rule["connection"]).items():
                if ports.is_empty:
                    continue
                if "dst_ip_block" in rule:
                    for src in _pods(rule["src_ns"], rule["src_pods"], pods):
                        canon.ip_pair(kind, src, "to", protocol, rule["dst_ip_block"], ports)
                elif "src_ip_block" in rule:
                    for dst in _pods(rule["dst_ns"], rule["dst_pods"], pods):
                        canon.ip_pair(kind, dst, "from", protocol, rule["src_ip_block"], ports)
                else:
                    for src in _pods(rule["src_ns"], rule["src_pods"], pods):
                        for dst in _pods(rule["dst_ns"], rule["dst_pods"], pods):
                            if src != dst:
                                canon.pod_pair(kind, src, dst, protocol, ports)
    return canon.frozen()
