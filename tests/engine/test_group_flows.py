"""``group_flows`` (flows between groups from the class matrices) against the per-pair
reference evaluator: the ports of a group edge are the union over its distinct member pairs,
``pairs`` counts the pairs allowed on some port, ``total`` the distinct pairs."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netfence.engine import Engine, EngineOptions, PortSet
from netfence.engine.group_flows import SpanCells, group_flows, linked_externals
from netfence.engine.reference import Reference
from netfence.inputs import read_inputs
from netfence.model import PROTOCOLS, Cluster
from tests.conftest import ROOT
from tests.engine.strategies import clusters, tiered_clusters

READINGS = st.sampled_from(("match", "ignore"))
SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _expected(
    cluster: Cluster, engine: Engine, groups: list[list[int]]
) -> dict[tuple[int, int], tuple[dict[str, PortSet], int, int]]:
    """Per group pair with an allowed member pair: the union of the reference's ports over
    distinct member pairs, the allowed pairs and every distinct pair."""
    reference = Reference(cluster, engine.options.ipblock_pods, engine.pod_cidr)
    nodes = (*engine.endpoints, *engine.externals)
    found = {}
    for g, sources in enumerate(groups):
        for h, targets in enumerate(groups):
            ports = {p: PortSet() for p in PROTOCOLS}
            allowed = total = 0
            for i in sources:
                for j in targets:
                    if i == j:
                        continue
                    total += 1
                    connections = reference.connections(nodes[i], nodes[j])
                    allowed += any(not s.is_empty for s in connections.values())
                    ports = {p: ports[p] | connections[p] for p in PROTOCOLS}
            if allowed:
                found[(g, h)] = (ports, allowed, total)
    return found


def _check(cluster: Cluster, reading: str, assign: list[int]) -> None:
    engine = Engine(cluster, EngineOptions(ipblock_pods=reading))  # type: ignore[arg-type]
    count = len(engine.endpoints) + len(engine.externals)
    labels = [assign[k % len(assign)] for k in range(count)]
    groups = [[k for k in range(count) if labels[k] == g] for g in sorted(set(labels))]
    cells = SpanCells(engine)
    linked_externals(cells)  # every span's cells made and packed: group_flows unpacks them
    got = {
        (f.source, f.target): ({p: f.ports[p] for p in PROTOCOLS}, f.pairs, f.total)
        for f in group_flows(engine, groups, cells)
    }
    assert got == _expected(cluster, engine, groups)


@SETTINGS
@given(clusters(), READINGS, st.lists(st.integers(0, 3), min_size=1, max_size=9))
def test_group_flows_agree_with_the_reference(
    cluster: Cluster, reading: str, assign: list[int]
) -> None:
    _check(cluster, reading, assign)


@SETTINGS
@given(tiered_clusters(), READINGS, st.lists(st.integers(0, 2), min_size=1, max_size=9))
def test_group_flows_agree_with_the_reference_with_tiers(
    cluster: Cluster, reading: str, assign: list[int]
) -> None:
    _check(cluster, reading, assign)


@given(clusters(), READINGS)
@SETTINGS
def test_one_node_per_group_is_the_pod_level_flows(cluster: Cluster, reading: str) -> None:
    engine = Engine(cluster, EngineOptions(ipblock_pods=reading))  # type: ignore[arg-type]
    nodes = (*engine.endpoints, *engine.externals)
    flows = group_flows(engine, [[k] for k in range(len(nodes))])
    got = {(nodes[f.source].id, nodes[f.target].id): f.ports for f in flows}
    expected = {
        (s.id, d.id): engine.connections(s, d)
        for s in nodes
        for d in nodes
        if s is not d and any(not p.is_empty for p in engine.connections(s, d).values())
    }
    assert got == expected


FIXTURES = ("calico/tiers", "cilium/base", "realworld/policy-dialects", "realworld/shop-repo")


def test_fixtures_of_every_dialect_one_node_per_group() -> None:
    """Calico tiers, Cilium (entities, FQDN ranges) and the SIG Network tiers: the class
    matrices at every port span give the pod-level ports exactly."""
    for name in FIXTURES:
        engine = Engine(read_inputs([str(ROOT / "tests" / "fixtures" / name)]).cluster)
        nodes = (*engine.endpoints, *engine.externals)
        flows = group_flows(engine, [[k] for k in range(len(nodes))])
        got = {(nodes[f.source].id, nodes[f.target].id): f.ports for f in flows}
        expected = {
            (s.id, d.id): engine.connections(s, d)
            for s in nodes
            for d in nodes
            if s is not d and any(not p.is_empty for p in engine.connections(s, d).values())
        }
        assert got == expected and got, name


LONE_CLASS = """\
apiVersion: v1
kind: Pod
metadata: {name: px, namespace: a, labels: {app: px}}
spec: {containers: [{name: c, image: i}]}
status: {podIP: 10.0.0.2}
---
apiVersion: v1
kind: Pod
metadata: {name: py, namespace: a, labels: {app: py}}
spec: {containers: [{name: c, image: i}]}
status: {podIP: 10.0.0.3}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: all-443, namespace: a}
spec:
  podSelector: {}
  ingress: [{from: [{podSelector: {}}], ports: [{port: 443}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: x-to-x-80, namespace: a}
spec:
  podSelector: {matchLabels: {app: px}}
  ingress: [{from: [{podSelector: {matchLabels: {app: px}}}], ports: [{port: 80}]}]
"""


def test_a_lone_member_of_a_class_is_no_pair_with_itself(tmp_path: Path) -> None:
    """px's class may reach itself on 80, but the group holds one pod of it: only 443."""
    (tmp_path / "a.yaml").write_text(LONE_CLASS)
    engine = Engine(read_inputs([str(tmp_path)]).cluster)
    (flow,) = [f for f in group_flows(engine, [[0, 1]]) if (f.source, f.target) == (0, 0)]
    assert str(flow.ports["TCP"]) == "443" and (flow.pairs, flow.total) == (2, 2)


def test_no_groups_and_no_pods_give_no_flows() -> None:
    engine = Engine(Cluster())
    assert len(group_flows(engine, [])) == 0
    assert list(group_flows(engine, [[k] for k in range(len(engine.externals))])) == []


@given(st.one_of(clusters(), tiered_clusters()), READINGS)
@SETTINGS
def test_linked_externals_are_the_ranges_with_some_flow(cluster: Cluster, reading: str) -> None:
    """The ranges some node may reach or be reached from: those with a group flow when every
    pod is one group and every range its own."""
    engine = Engine(cluster, EngineOptions(ipblock_pods=reading))  # type: ignore[arg-type]
    start = len(engine.endpoints)
    groups = [list(range(start)), *([start + k] for k in range(len(engine.externals)))]
    flows = group_flows(engine, groups)
    expected = sorted({k - 1 for k in (*flows.sources.tolist(), *flows.targets.tolist()) if k > 0})
    assert linked_externals(SpanCells(engine)) == expected
