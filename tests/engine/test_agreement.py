"""The fast matrix engine and connections() agree with the reference evaluator on every cell."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netfence.engine import Engine, EngineOptions
from netfence.engine.reference import Reference
from netfence.engine.tier_matrix import TIER_NAMES
from netfence.model import Cluster, Protocol
from tests.engine.strategies import QUERIES, clusters, tiered_clusters

READINGS = st.sampled_from(("match", "ignore"))
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(clusters(), READINGS)
def test_matrix_agrees_with_reference_on_every_cell(cluster: Cluster, reading: str) -> None:
    engine = Engine(cluster, EngineOptions(ipblock_pods=reading))  # type: ignore[arg-type]
    reference = Reference(cluster, engine.options.ipblock_pods)
    for port, protocol in QUERIES:
        matrix = engine.matrix(port, protocol)  # type: ignore[arg-type]
        for i, src in enumerate(matrix.nodes):
            for j, dst in enumerate(matrix.nodes):
                expected = reference.verdict(src, dst, port, protocol).allowed  # type: ignore[arg-type]
                assert matrix.allowed[i, j] == expected, (src.id, dst.id, port, protocol)


@SETTINGS
@given(clusters(), READINGS, st.lists(st.integers(1, 65535), max_size=3))
def test_connections_agree_with_port_verdicts(
    cluster: Cluster, reading: str, extra_ports: list[int]
) -> None:
    engine = Engine(cluster, EngineOptions(ipblock_pods=reading))  # type: ignore[arg-type]
    nodes = (*engine.endpoints, *engine.externals)
    ports = [53, 80, 81, 82, 8080, 8081, 9000, 16080, *extra_ports]
    for src in nodes:
        for dst in nodes:
            connections = engine.connections(src, dst)
            protocol: Protocol
            for protocol in ("TCP", "UDP", "SCTP"):
                for port in ports:
                    verdict = engine.verdict(src, dst, port, protocol)
                    assert verdict.allowed == (port in connections[protocol]), (
                        src.id,
                        dst.id,
                        port,
                        protocol,
                    )


@SETTINGS
@given(clusters(), READINGS)
def test_reading_decided_cells_flip_under_the_other_reading(cluster: Cluster, reading: str) -> None:
    engine = Engine(cluster, EngineOptions(ipblock_pods=reading))  # type: ignore[arg-type]
    decided = engine.reading_decided(80, "TCP")
    matrix = engine.matrix(80, "TCP")
    for i, src in enumerate(matrix.nodes):
        for j, dst in enumerate(matrix.nodes):
            verdict = engine.verdict(src, dst, 80, "TCP")
            assert verdict.ipblock_reading_decided == decided[i, j]


@SETTINGS
@given(tiered_clusters(), READINGS)
def test_tiered_matrix_agrees_with_reference_on_every_cell(cluster: Cluster, reading: str) -> None:
    engine = Engine(cluster, EngineOptions(ipblock_pods=reading))  # type: ignore[arg-type]
    for port, protocol in QUERIES:
        matrix = engine.matrix(port, protocol)  # type: ignore[arg-type]
        assert matrix.tiers is not None
        for i, src in enumerate(matrix.nodes):
            for j, dst in enumerate(matrix.nodes):
                verdict = engine.verdict(src, dst, port, protocol)  # type: ignore[arg-type]
                where = (src.id, dst.id, port, protocol)
                assert matrix.allowed[i, j] == verdict.allowed, where
                assert TIER_NAMES.get(int(matrix.tiers[i, j])) == verdict.tier, where


@SETTINGS
@given(tiered_clusters(), st.lists(st.integers(1, 65535), max_size=3))
def test_tiered_connections_agree_with_port_verdicts(
    cluster: Cluster, extra_ports: list[int]
) -> None:
    engine = Engine(cluster)
    nodes = (*engine.endpoints, *engine.externals)
    ports = [53, 80, 81, 82, 8080, 8081, 9000, 16080, *extra_ports]
    for src in nodes:
        for dst in nodes:
            connections = engine.connections(src, dst)
            protocol: Protocol
            for protocol in ("TCP", "UDP", "SCTP"):
                for port in ports:
                    verdict = engine.verdict(src, dst, port, protocol)
                    assert verdict.allowed == (port in connections[protocol]), (
                        src.id,
                        dst.id,
                        port,
                        protocol,
                    )
