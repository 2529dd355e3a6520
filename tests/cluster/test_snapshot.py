"""Snapshot: paged lists with progress, pods over workloads, a file the offline commands read."""

from __future__ import annotations

from pathlib import Path

import yaml

from netfence.cluster.connect import Connection, ConnectOptions
from netfence.cluster.snapshot import SnapshotOptions, read_cluster, take, workloads_without_pods
from tests.cluster.fakeapi import FakeCluster
from tests.cluster.objects import DENY_ALL, namespace, pod, policy, workload
from tests.conftest import run_cli, run_cli_in_process


def test_5000_pods_are_paged_with_progress(
    fake: FakeCluster, kubeconfig: Path, tmp_path: Path
) -> None:
    for i in range(5000):
        fake.add(pod(f"ns{i % 10}", f"p{i}", f"10.1.{i // 256}.{i % 256}", {"app": f"a{i % 7}"}))
    out = tmp_path / "cluster.yaml"
    result = run_cli_in_process("snapshot", "--kubeconfig", str(kubeconfig), "-o", str(out))
    assert result.returncode == 0, result.stderr
    progress = [line for line in result.stderr.splitlines() if line.startswith("listed")]
    assert progress[0] == "listed 500/5000 Pod" and progress[-1] == "listed 5000/5000 Pod"
    assert len(progress) == 10
    pod_lists = [r for r in fake.requests if r.path == "/api/v1/pods"]
    assert len(pod_lists) == 10
    assert all(r.query["limit"] == "500" for r in pod_lists)
    assert sum("continue" in r.query for r in pod_lists) == 9
    docs = list(yaml.safe_load_all(out.read_text()))
    assert sum(d["kind"] == "Pod" for d in docs) == 5000
    validated = run_cli_in_process("validate", str(out))
    assert validated.returncode == 0, validated.stderr[:2000]


def test_pods_replace_their_workloads(connection: Connection, fake: FakeCluster) -> None:
    fake.add(workload("Deployment", "app", "web", {"app": "web"}))
    fake.add(workload("ReplicaSet", "app", "web-1", {"app": "web"}, owner="web"))
    fake.add(pod("app", "web-1-x", "10.0.0.5", {"app": "web"}, owner="web-1"))
    fake.add(workload("Deployment", "app", "idle", {"app": "idle"}))
    fake.add(workload("ReplicaSet", "app", "idle-1", {"app": "idle"}, owner="idle"))
    fake.add(pod("app", "done", "10.0.0.6", phase="Succeeded"))
    kinds = {(m["kind"], m["metadata"]["name"]) for m in take(connection, SnapshotOptions())}
    assert kinds == {("Pod", "web-1-x"), ("Deployment", "idle")}


def test_orphan_workload_is_kept() -> None:
    orphan = workload("StatefulSet", "db", "pg", {"app": "pg"})
    assert workloads_without_pods([orphan], []) == [orphan]


def test_namespaces_option_limits_the_snapshot(connection: Connection, fake: FakeCluster) -> None:
    for name in ("a", "b"):
        fake.add(namespace(name, team=name))
        fake.add(pod(name, "p", "10.0.0.1" if name == "a" else "10.0.0.2"))
        fake.add(policy(name, "deny-all", DENY_ALL))
    manifests = take(connection, SnapshotOptions(namespaces=("b",)))
    assert {m["metadata"].get("namespace", m["metadata"]["name"]) for m in manifests} == {"b"}
    assert [r.path for r in fake.requests if "pods" in r.path] == ["/api/v1/namespaces/b/pods"]


def test_read_cluster_gives_documents_with_positions(kubeconfig: Path, fake: FakeCluster) -> None:
    fake.add(namespace("a"))
    fake.add(pod("a", "p", "10.0.0.1", {"app": "x"}, [{"containerPort": 80, "name": "http"}]))
    fake.add(policy("a", "deny-all", DENY_ALL))
    docs = read_cluster(ConnectOptions(kubeconfig=str(kubeconfig)))
    assert [d.ident() for d in docs] == ["Namespace/a", "Pod/a/p", "NetworkPolicy/a/deny-all"]
    assert docs[1].source.file == "cluster:stand-in" and docs[1].source.line > 1
    assert docs[1].data["spec"]["containers"][0]["ports"] == [{"name": "http", "containerPort": 80}]


def test_odd_shapes_reach_the_loader_instead_of_a_traceback(
    kubeconfig: Path, fake: FakeCluster
) -> None:
    odd = pod("app", "odd", "10.0.0.7")
    odd["metadata"]["labels"] = ["not", "a", "map"]
    odd["metadata"]["ownerReferences"] = "nobody"
    odd["spec"]["containers"] = [7, {"name": "main", "ports": "http"}]
    odd["spec"]["initContainers"] = {"a": 1}
    fake.add(namespace("app"))
    fake.add(odd)
    result = run_cli("snapshot", "--kubeconfig", str(kubeconfig))
    assert "Traceback" not in result.stderr
    assert result.returncode in (0, 2), result.stderr
