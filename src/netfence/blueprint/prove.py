"""The proof: the engine's exact analysis equals the blueprint's intents, nothing more or less,
and the stack's entry point admits some client.

Every ordered pair of nodes with at least one end in an isolated blueprint namespace is checked
on every port of TCP, UDP and SCTP, under both readings of ipBlocks on pod addresses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from netfence.blueprint.entrypoints import ClosedEntry, closed_entries
from netfence.blueprint.intents import Addresses, End, Intent, Names, expected_flows
from netfence.blueprint.schema import Blueprint
from netfence.engine import Engine, EngineOptions, ExternalRange, IPBlockReading, Node, PortSet
from netfence.model import PROTOCOLS, Cluster, Endpoint, Protocol

Expected = dict[Protocol, tuple[PortSet, tuple[str, ...]]]
Connections = dict[Protocol, PortSet]
READINGS: tuple[IPBlockReading, ...] = ("match", "ignore")


@dataclass(frozen=True)
class Cell:
    """One ordered pair and protocol: the ports the engine allows and those intended."""

    source: str
    target: str
    protocol: Protocol
    allowed: PortSet
    expected: PortSet
    intents: tuple[str, ...]
    readings: tuple[IPBlockReading, ...]

    @property
    def extra(self) -> PortSet:
        return self.allowed - self.expected

    @property
    def missing(self) -> PortSet:
        return self.expected - self.allowed

    @property
    def holds(self) -> bool:
        return self.extra.is_empty and self.missing.is_empty


@dataclass(frozen=True)
class Proof:
    """Cells where something is allowed or intended (the rest are denied and intended so),
    and the entry points (gateway workloads) that admit no client."""

    cells: tuple[Cell, ...]
    pairs: int
    endpoints: int
    externals: tuple[ExternalRange, ...]
    closed_entries: tuple[ClosedEntry, ...] = ()

    @property
    def offending(self) -> tuple[Cell, ...]:
        return tuple(c for c in self.cells if not c.holds)

    @property
    def holds(self) -> bool:
        return not self.offending and not self.closed_entries


def _matches(end: End, node: Node) -> bool:
    if isinstance(end, Names):
        return isinstance(node, ExternalRange) and node.domain in end.fqdns
    if isinstance(end, Addresses):
        return (
            isinstance(node, ExternalRange)
            and not node.domain
            and node.representative in end.addresses
        )
    return isinstance(node, Endpoint) and end.matches(node)


def _expected(intents: Sequence[Intent], source: Node, target: Node) -> Expected:
    """Intended ports per protocol from ``source`` to ``target``, with the intents' ids."""
    out: Expected = {}
    for intent in intents:
        if not (_matches(intent.source, source) and _matches(intent.target, target)):
            continue
        for port in intent.ports:
            ports, ids = out.get(port.protocol, (PortSet(), ()))
            ids = ids if intent.id in ids else (*ids, intent.id)
            out[port.protocol] = (ports | PortSet.single(port.start, port.end), ids)
    return out


def _pairs(engine: Engine, managed: frozenset[str]) -> list[tuple[Node, Node]]:
    """Ordered pairs with an end in a blueprint namespace (no self pairs, no outside pairs)."""
    nodes: tuple[Node, ...] = (*engine.endpoints, *engine.externals)

    def inside(node: Node) -> bool:
        return isinstance(node, Endpoint) and node.namespace in managed

    return [
        (src, dst)
        for src in nodes
        for dst in nodes
        if src is not dst and (inside(src) or inside(dst))
    ]


def _cells(engine: Engine, intents: Sequence[Intent], managed: frozenset[str]) -> list[Cell]:
    reading = engine.options.ipblock_pods
    answers: dict[tuple[int, int], tuple[Connections, Connections, Expected]] = {}
    cells: list[Cell] = []
    for src, dst in _pairs(engine, managed):
        key = (engine.node_class(src), engine.node_class(dst))
        if key not in answers:
            answers[key] = (
                engine.connections(src, dst),
                engine.certain_connections(src, dst),
                _expected(intents, src, dst),
            )
        possible, certain, expected = answers[key]
        for protocol in PROTOCOLS:
            wanted, ids = expected.get(protocol, (PortSet(), ()))
            # a wanted port counts where every address of the pod CIDR allows it; an unwanted
            # one where some address does
            ports = certain.get(protocol, PortSet()) | (possible.get(protocol, PortSet()) - wanted)
            if ports.is_empty and wanted.is_empty:
                continue
            cells.append(Cell(src.id, dst.id, protocol, ports, wanted, ids, (reading,)))
    return cells


def _merge(per_reading: Sequence[list[Cell]]) -> tuple[Cell, ...]:
    """Cells equal under every reading become one cell naming all the readings."""
    merged: dict[tuple[object, ...], Cell] = {}
    for cells in per_reading:
        for cell in cells:
            key = (cell.source, cell.target, cell.protocol, cell.allowed, cell.expected)
            seen = merged.get(key)
            if seen is not None:
                readings = tuple(dict.fromkeys((*seen.readings, *cell.readings)))
                cell = replace(seen, readings=readings)
            merged[key] = cell
    return tuple(merged.values())


def prove(cluster: Cluster, bp: Blueprint) -> Proof:
    """Check the cluster's connectivity against the blueprint's intents."""
    intents = expected_flows(bp)
    managed = frozenset(bp.isolated)
    pods = tuple(bp.cluster.pod_cidrs)
    engines = [Engine(cluster, EngineOptions(ipblock_pods=r, pod_cidrs=pods)) for r in READINGS]
    per_reading = [_cells(engine, intents, managed) for engine in engines]
    first = engines[0]
    cells = _merge(per_reading)
    reached = (c.target for c in cells if not c.allowed.is_empty and c.source != c.target)
    return Proof(
        cells=cells,
        pairs=len(_pairs(first, managed)),
        endpoints=len(first.endpoints),
        externals=first.externals,
        closed_entries=closed_entries(bp, first.endpoints, reached),
    )
