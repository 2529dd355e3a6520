"""The engine's prediction against the lab's measurement, and the ports ``lab verify`` asks."""

from __future__ import annotations

from collections.abc import Iterator

from netfence.engine import Engine
from netfence.engine.intervals import MAX_PORT
from netfence.lab.runs import ProbeRun
from netfence.model import Cluster, Protocol
from netfence.probes import Comparison, compare_cells

UNMENTIONED_PORT_START = 9000
PROBED: tuple[Protocol, ...] = ("TCP", "UDP")


def compare_run(engine: Engine, run: ProbeRun) -> Comparison:
    """Every measured cell of one run against the engine's matrix for the same query."""
    matrix = engine.matrix(run.port, run.protocol)
    cells = [(m, matrix.cell(m.src, m.dst)) for m in run.measurements]
    return compare_cells(run.port, run.protocol, cells)


def _policy_ports(cluster: Cluster) -> Iterator[tuple[int | str, Protocol]]:
    for _, _, _, rule in cluster.rules():
        for port in rule.ports:
            if port.port is not None:
                yield port.port, port.protocol
            if port.end_port is not None:
                yield port.end_port, port.protocol


def _tier_ports(cluster: Cluster) -> Iterator[tuple[int | str, Protocol]]:
    for policy in cluster.tier_policies:
        for rule in (*policy.ingress, *policy.egress):
            for port in rule.ports or ():
                if port.name is not None:
                    served = {
                        p.protocol
                        for e in cluster.endpoints
                        for p in e.ports
                        if p.name == port.name
                    }
                    yield from ((port.name, p) for p in sorted(served) if p != "SCTP")
                else:
                    yield port.low, port.protocol
                    yield port.high, port.protocol


def _calico_ports(cluster: Cluster) -> Iterator[tuple[int | str, Protocol]]:
    """Both ends of every Calico destination port or range (names for the protocols
    destinations serve them on) and the port after each range."""
    served = {(p.name, p.protocol) for e in cluster.endpoints for p in e.ports if p.name}
    for policy in cluster.calico.policies:
        for rule in (*policy.ingress, *policy.egress):
            protocols = [p for p in PROBED if rule.protocol in (None, p)]
            for entry in (*rule.destination.ports, *rule.destination.not_ports):
                for protocol in protocols:
                    if entry.name is not None:
                        if (entry.name, protocol) in served:
                            yield entry.name, protocol
                        continue
                    for number in (entry.low, entry.high, entry.high + 1):
                        if number <= MAX_PORT:
                            yield number, protocol


def _cilium_ports(cluster: Cluster) -> Iterator[tuple[int | str, Protocol]]:
    """Both ends of every Cilium port or range, the port after it, and names for the
    protocols destinations serve them on."""
    served = {(p.name, p.protocol) for e in cluster.endpoints for p in e.ports if p.name}
    for policy in cluster.cilium_policies:
        for rule in (*policy.ingress, *policy.egress):
            for entry in rule.ports or ():
                if entry.protocol not in PROBED:
                    continue
                if entry.name is not None:
                    if (entry.name, entry.protocol) in served:
                        yield entry.name, entry.protocol
                    continue
                for number in (entry.low, entry.high, entry.high + 1):
                    if number <= MAX_PORT:
                        yield number, entry.protocol


def verify_queries(cluster: Cluster) -> list[tuple[int | str, Protocol]]:
    """Every port the manifests mention (names stay names, resolved per destination) with its
    protocol, every number also for TCP and UDP, and one port nothing mentions."""
    mentioned: set[tuple[int | str, Protocol]] = set(_policy_ports(cluster))
    mentioned |= set(_tier_ports(cluster))
    mentioned |= set(_calico_ports(cluster))
    mentioned |= set(_cilium_ports(cluster))
    mentioned |= {(p.port, p.protocol) for e in cluster.endpoints for p in e.ports}
    numbers = {port for port, _ in mentioned if isinstance(port, int)}
    unmentioned = next(n for n in range(UNMENTIONED_PORT_START, 65536) if n not in numbers)
    queries = set(mentioned)
    queries |= {(n, protocol) for n in (*numbers, unmentioned) for protocol in ("TCP", "UDP")}
    return sorted(queries, key=lambda q: (q[1], str(q[0]).zfill(5)))
