"""The engine's prediction against the lab's measurement, cell by cell."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from netfence.engine import Engine
from netfence.lab.runs import ProbeRun
from netfence.model import Cluster, Protocol

UNMENTIONED_PORT_START = 9000


@dataclass(frozen=True)
class Difference:
    """A cell where the lab measured something else than the engine predicted."""

    src: str
    dst: str
    predicted: bool
    measured: bool


@dataclass(frozen=True)
class Comparison:
    """One port/protocol: how many cells agreed, differed, or could not be tested."""

    port: int | str
    protocol: Protocol
    cells: int
    differences: tuple[Difference, ...]
    untested: tuple[tuple[str, str, str], ...]

    @property
    def agreed(self) -> int:
        return self.cells - len(self.differences) - len(self.untested)


def compare(engine: Engine, run: ProbeRun) -> Comparison:
    """Compare every measured cell with the engine's matrix for the same query."""
    matrix = engine.matrix(run.port, run.protocol)
    differences = []
    untested = []
    for cell in run.measurements:
        predicted = matrix.cell(cell.src, cell.dst)
        if cell.allowed is None:
            untested.append((cell.src, cell.dst, cell.note))
        elif cell.allowed != predicted:
            differences.append(Difference(cell.src, cell.dst, predicted, cell.allowed))
    return Comparison(
        run.port, run.protocol, len(run.measurements), tuple(differences), tuple(untested)
    )


def _policy_ports(cluster: Cluster) -> Iterator[tuple[int | str, Protocol]]:
    for _, _, _, rule in cluster.rules():
        for port in rule.ports:
            if port.port is not None:
                yield port.port, port.protocol
            if port.end_port is not None:
                yield port.end_port, port.protocol


def verify_queries(cluster: Cluster) -> list[tuple[int | str, Protocol]]:
    """Every port the manifests mention (names stay names, resolved per destination) with its
    protocol, every number also for TCP and UDP, and one port nothing mentions."""
    mentioned: set[tuple[int | str, Protocol]] = set(_policy_ports(cluster))
    mentioned |= {(p.port, p.protocol) for e in cluster.endpoints for p in e.ports}
    numbers = {port for port, _ in mentioned if isinstance(port, int)}
    unmentioned = next(n for n in range(UNMENTIONED_PORT_START, 65536) if n not in numbers)
    queries = set(mentioned)
    queries |= {(n, protocol) for n in (*numbers, unmentioned) for protocol in ("TCP", "UDP")}
    return sorted(queries, key=lambda q: (q[1], str(q[0]).zfill(5)))
