"""Snapshot against a real kube-apiserver: pods whose status was set through the status
subresource, read in pages with ``limit``/``continue``, finished pods left out."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from netfence.cluster.connect import Connection
from netfence.cluster.snapshot import SnapshotOptions, take
from tests.conftest import run_cli
from tests.controlplane.plane import READER, ControlPlane
from tests.controlplane.seed import add_namespace, add_pods, bulk_pod

pytestmark = pytest.mark.controlplane

NAMESPACE = "bulk"
PODS = 1200
PAGE = 250
FINISHED = 3


@pytest.fixture(scope="module")
def bulk(control_plane: ControlPlane) -> str:
    add_namespace(control_plane, NAMESPACE, {"purpose": "bulk"})
    running = [bulk_pod(NAMESPACE, i) for i in range(PODS)]
    finished = [bulk_pod(NAMESPACE, PODS + i, phase="Succeeded") for i in range(FINISHED)]
    assert add_pods(control_plane, running + finished) == PODS + FINISHED
    return NAMESPACE


def test_snapshot_pages_through_every_running_pod(bulk: str, reader: Connection) -> None:
    pages: list[tuple[str, int, int | None]] = []
    manifests = take(
        reader,
        SnapshotOptions(namespaces=(bulk,), page_size=PAGE),
        lambda kind, listed, total: pages.append((kind, listed, total)),
    )
    pods = [m for m in manifests if m["kind"] == "Pod"]
    assert len(pods) == PODS
    pod_pages = [p for p in pages if p[0] == "Pod"]
    # 1,203 pods in pages of 250: five pages, the server counting what remains.
    assert [listed for _, listed, _ in pod_pages] == [250, 500, 750, 1000, 1203]
    assert pod_pages[0][2] == PODS + FINISHED
    first = next(p for p in pods if p["metadata"]["name"] == "pod-00000")
    assert first["status"] == {
        "phase": "Running",
        "podIP": "10.244.0.2",
        "podIPs": [{"ip": "10.244.0.2"}],
    }
    assert first["spec"]["containers"] == [
        {
            "name": "main",
            "image": "example/app",
            "ports": [{"containerPort": 8080, "protocol": "TCP"}],
        }
    ]
    (namespace,) = [m for m in manifests if m["kind"] == "Namespace"]
    assert namespace["metadata"]["labels"] == {
        "kubernetes.io/metadata.name": bulk,
        "purpose": "bulk",
    }


def test_snapshot_command_writes_a_file_every_command_reads(
    bulk: str, control_plane: ControlPlane, tmp_path: Path
) -> None:
    out = tmp_path / "snap.yaml"
    result = run_cli(
        "snapshot",
        "--kubeconfig",
        str(control_plane.kubeconfig),
        "--context",
        READER,
        "-n",
        bulk,
        "--page-size",
        "500",
        "-o",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    assert "listed 500/1203 Pod" in result.stderr
    kinds = [d["kind"] for d in yaml.safe_load_all(out.read_text())]
    assert kinds.count("Pod") == PODS
    valid = run_cli("validate", str(out))
    assert valid.returncode == 0, valid.stdout + valid.stderr
