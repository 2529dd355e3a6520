"""Ports between classes (``engine.port_table``) are the reference's exact port sets."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netfence.engine import Engine, EngineOptions
from netfence.engine.addresses import PodCIDR
from netfence.engine.reference import Reference
from netfence.model import Cluster
from tests.engine.strategies import clusters, tiered_clusters
from tests.engine.test_addresses import PARTIAL_POD_CIDRS, addressed_clusters, net

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def same_as_reference(model: Cluster, cidrs: tuple[str, ...], reading: str) -> None:
    options = EngineOptions(ipblock_pods=reading, pod_cidrs=tuple(net(c) for c in cidrs))  # type: ignore[arg-type]
    engine = Engine(model, options)
    reference = Reference(model, engine.options.ipblock_pods, PodCIDR(options.pod_cidrs, "given"))
    nodes = (*engine.endpoints, *engine.externals)
    for src in nodes:
        for dst in nodes:
            some, every = reference.placed_connections(src, dst)
            assert engine.connections(src, dst) == some, (src.id, dst.id)
            assert engine.certain_connections(src, dst) == every, (src.id, dst.id)


@SETTINGS
@given(clusters(), st.sampled_from(("match", "ignore")))
def test_port_sets_between_classes_are_the_reference_ones(model: Cluster, reading: str) -> None:
    same_as_reference(model, ("10.244.0.0/16",), reading)


@SETTINGS
@given(tiered_clusters())
def test_tiered_port_sets_are_the_reference_ones(model: Cluster) -> None:
    same_as_reference(model, ("10.244.0.0/16",), "match")


@SETTINGS
@given(addressed_clusters(clusters()), PARTIAL_POD_CIDRS)
def test_placed_port_sets_are_the_reference_ones(model: Cluster, cidrs: tuple[str, ...]) -> None:
    same_as_reference(model, cidrs, "match")
