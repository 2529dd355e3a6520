"""``analyze --group``: every group cell equals what the pod-level matrix says of its members."""

from __future__ import annotations

import ipaddress
import itertools
import json
import random
from pathlib import Path

import numpy as np
import pytest
import yaml

from netfence.engine import Engine, EngineOptions
from netfence.engine.analysis import Analysis, analyze
from netfence.engine.filters import parse_filter
from netfence.engine.grouping import Grouping, grouped_analysis
from netfence.load import Limits, load_text
from netfence.model import Cluster, build_cluster
from netfence.report.matrix_layout import namespace_totals, open_pairs
from tests.conftest import run_cli

QUERIES = ((8080, "TCP"), (53, "UDP"))


def _pod(namespace: str, name: str, labels: dict[str, str], ip: str, owner: str | None) -> dict:
    metadata: dict = {"name": name, "namespace": namespace, "labels": labels}
    if owner is not None:
        metadata["ownerReferences"] = [
            {
                "apiVersion": "apps/v1",
                "kind": "ReplicaSet",
                "name": owner,
                "uid": "u",
                "controller": True,
            }
        ]
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": metadata,
        "spec": {"containers": [{"name": "c", "image": "i", "ports": [{"containerPort": 8080}]}]},
        "status": {"podIP": ip},
    }


def _documents(seed: int, addresses: bool = True) -> str:
    """A random two-namespace cluster: Deployments' pods (some replicas labelled apart), bare
    pods, and policies with pod, namespace and ipBlock peers, as YAML (without ``addresses``,
    no pod has an IP)."""
    rng = random.Random(seed)
    docs: list[dict] = []
    address = itertools.count(2)
    for namespace in ("a", "b"):
        docs.append(
            {
                "apiVersion": "v1",
                "kind": "Namespace",
                "metadata": {"name": namespace, "labels": {"team": namespace}},
            }
        )
        for app in ("web", "db", "job"):
            replicas = rng.randint(1, 3)
            for k in range(replicas):
                labels = {"app": app, "pod-template-hash": "h1"}
                if rng.random() < 0.3:
                    labels["tier"] = "hot"  # replicas of one workload in two classes
                owner = f"{app}-h1" if app != "job" else None
                ip = f"10.0.{0 if namespace == 'a' else 1}.{next(address)}"
                pod = _pod(namespace, f"{app}-{k}", labels, ip, owner)
                if not addresses:
                    del pod["status"]
                docs.append(pod)
    peers = [
        {"podSelector": {"matchLabels": {"app": "web"}}},
        {"podSelector": {"matchLabels": {"tier": "hot"}}},
        {"namespaceSelector": {"matchLabels": {"team": "b"}}},
        {"ipBlock": {"cidr": "10.0.1.0/24"}},
        {"ipBlock": {"cidr": "0.0.0.0/0", "except": ["10.0.0.0/8"]}},
    ]
    for n in range(rng.randint(1, 4)):
        namespace = rng.choice(["a", "b"])
        direction = rng.choice(["ingress", "egress"])
        rule: dict = {"from" if direction == "ingress" else "to": rng.sample(peers, 2)}
        if rng.random() < 0.5:
            rule["ports"] = [{"port": 8080}]
        docs.append(
            {
                "apiVersion": "networking.k8s.io/v1",
                "kind": "NetworkPolicy",
                "metadata": {"name": f"p{n}", "namespace": namespace},
                "spec": {
                    "podSelector": {"matchLabels": {"app": rng.choice(["web", "db"])}},
                    "policyTypes": [direction.capitalize()],
                    direction: [rule],
                },
            }
        )
    return yaml.safe_dump_all(docs)


def _cluster(seed: int, addresses: bool = True) -> Cluster:
    loaded = load_text(_documents(seed, addresses), "in.yaml", "default", Limits())
    assert not loaded.problems
    return build_cluster(loaded.documents)


def _every_and_some(
    pods: Analysis, query: int, source: list[str], target: list[str]
) -> tuple[bool, bool]:
    row = {ident: k for k, ident in enumerate(pods.row_ids)}
    column = {ident: k for k, ident in enumerate(pods.column_ids)}
    allowed = pods.queries[query].allowed
    pairs = [
        allowed[row[s], column[t]]
        for s in source
        for t in target
        if s != t and s in row and t in column  # a group's members on each axis
    ]
    return all(pairs), any(pairs)


def _check(grouped: Analysis, pods: Analysis, other: Analysis) -> None:
    """Cell by cell: allowed iff every pair of distinct members is, partial iff only some
    are, reading-decided iff the other reading's pod matrix gives another cell."""

    def members(ident: str) -> list[str]:
        return list(grouped.members.get(ident, (ident,)))

    for q, result in enumerate(grouped.queries):
        assert result.partial is not None
        for i, source in enumerate(grouped.row_ids):
            for j, target in enumerate(grouped.column_ids):
                every, some = _every_and_some(pods, q, members(source), members(target))
                assert result.allowed[i, j] == every, (source, target)
                assert result.partial[i, j] == (some and not every), (source, target)
                every_other, _ = _every_and_some(other, q, members(source), members(target))
                assert result.reading_decided[i, j] == (every != every_other), (source, target)


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("grouping", ["workload", "class"])
def test_group_cells_agree_with_the_pods(seed: int, grouping: Grouping) -> None:
    cluster = _cluster(seed)
    chosen = parse_filter("app=web")
    for reading, other in (("match", "ignore"), ("ignore", "match")):
        engine = Engine(cluster, EngineOptions(ipblock_pods=reading))
        second = Engine(cluster, EngineOptions(ipblock_pods=other))
        for sources in (None, chosen):
            _check(
                grouped_analysis(engine, QUERIES, grouping, sources=sources),
                analyze(engine, QUERIES, sources=sources),
                analyze(second, QUERIES, sources=sources),
            )


def test_workloads_are_the_pods_controllers_and_every_pod_is_mapped() -> None:
    engine = Engine(_cluster(3))
    grouped = grouped_analysis(engine, QUERIES, "workload")
    ids = {g.id for g in grouped.sources}
    assert "a/Deployment/web" in ids and "a/Pod/job-0" in ids
    mapped = sorted(m for group in grouped.members.values() for m in group)
    assert mapped == sorted(e.id for e in engine.endpoints)
    assert len(grouped.sources) < len(engine.endpoints)


@pytest.mark.parametrize("seed", range(12))
def test_classes_agree_with_the_reference_pair_by_pair(seed: int) -> None:
    """Every pair of distinct nodes gets its classes' cell from the per-pair reference; no
    cell is partial; two classes always differ in some row or column of a pod matrix."""
    cluster = _cluster(seed)
    engine = Engine(cluster)
    grouped = grouped_analysis(engine, QUERIES, "class")
    pods = analyze(engine, QUERIES)
    group_of = {m: g for g, ms in grouped.members.items() for m in ms}
    group_of.update({x.id: x.id for x in engine.externals})
    assert sorted(group_of) == sorted(pods.row_ids)
    row = {ident: k for k, ident in enumerate(grouped.row_ids)}
    column = {ident: k for k, ident in enumerate(grouped.column_ids)}
    for q, (port, protocol) in enumerate(QUERIES):
        result = grouped.queries[q]
        assert result.partial is not None and not result.partial.any()
        for src, dst in itertools.permutations(pods.row_ids, 2):
            if src in column and dst in column:  # two external ranges: no cell
                continue
            verdict = engine.verdict(src, dst, port, protocol)
            cell = result.allowed[row[group_of[src]], column[group_of[dst]]]
            assert cell == verdict.allowed, (src, dst, port)
    first = {g: ms[0] for g, ms in grouped.members.items()}
    for a, b in itertools.combinations(first.values(), 2):
        i, j = pods.row_ids.index(a), pods.row_ids.index(b)
        assert any(
            (r.allowed[i] != r.allowed[j]).any()
            or (r.allowed[:, i] != r.allowed[:, j]).any()
            or (r.depends is not None and (r.depends[i] != r.depends[j]).any())
            for r in pods.queries
        ) or any(
            (r.reading_decided[i] != r.reading_decided[j]).any()
            or (r.reading_decided[:, i] != r.reading_decided[:, j]).any()
            for r in pods.queries
        ), (a, b)


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("addresses", [True, False])
def test_open_pairs_are_the_open_totals(seed: int, addresses: bool) -> None:
    """The text's open pairs and counts are those of the per-namespace totals (counted on
    classes), under both readings."""
    cluster = _cluster(seed, addresses)
    for reading in ("match", "ignore"):
        engine = Engine(
            cluster,
            EngineOptions(ipblock_pods=reading, pod_cidrs=(ipaddress.ip_network("10.0.0.0/16"),)),
        )
        pods = analyze(engine, QUERIES)
        for result in pods.queries:
            totals = namespace_totals(pods, result)
            found = open_pairs(pods, result, 3)
            opened = [t for t in totals if t.allowed]
            assert found.shown == opened[:3] and found.open == len(opened)
            assert found.pairs == len(totals)
            assert found.fully == sum(t.allowed == t.total for t in opened)


def test_classes_cross_namespaces_and_cover_every_pod() -> None:
    engine = Engine(_cluster(5))
    grouped = grouped_analysis(engine, QUERIES, "class")
    mapped = sorted(m for group in grouped.members.values() for m in group)
    assert mapped == sorted(e.id for e in engine.endpoints)
    assert all(g.id.startswith("class-") for g in grouped.sources)
    spans = [{m.split("/")[0] for m in members} for members in grouped.members.values()]
    assert any(len(namespaces) > 1 for namespaces in spans)
    assert np.asarray(grouped.queries[0].allowed).shape[0] == len(grouped.row_ids)


def test_analyze_group_class_json_maps_every_pod(tmp_path: Path) -> None:
    cluster_file = tmp_path / "in.yaml"
    cluster_file.write_text(_documents(4))
    result = run_cli("analyze", str(cluster_file), "--group", "class", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["grouping"] == "class"
    groups = {g["id"] for g in data["groups"]}
    assert all(e["group"] in groups for e in data["endpoints"])
    cells = data["queries"][0]["matrix"]
    assert {c["from"] for c in cells} <= groups and {c["to"] for c in cells} <= groups
