"""``--cluster`` as a side of ``diff`` and as the input of ``report``, against the stand-in
Kubernetes API server of the cluster tests (there is no real cluster on these machines)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from netfence.cli.app import app
from tests.cluster.objects import mesh_manifests


@pytest.fixture
def kubeconfig(stand_in_kubeconfig: Path) -> Path:
    """A stand-in cluster with the mesh's workloads and no policies yet."""
    return stand_in_kubeconfig


def test_diff_from_the_live_cluster_to_a_policy_folder(kubeconfig: Path, tmp_path: Path) -> None:
    policies = tmp_path / "policies"
    policies.mkdir()
    (policies / "mesh.yaml").write_text(yaml.safe_dump_all(mesh_manifests()))
    args = ["diff", "--cluster", "--kubeconfig", str(kubeconfig), str(policies)]
    result = CliRunner().invoke(app, [*args, "--format", "json", "--fail-on-new-egress"])
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    # Policies only take connections away from a cluster that has none.
    assert document["added"] == [] and document["removed"]
    assert document["old"].startswith("cluster:")
    kept_out = {(c["from"], c["to"]) for c in document["removed"] if c["protocol"] == "TCP"}
    assert ("ai-data/minio-0", "ai-inference/vllm-0") in kept_out


def test_report_of_the_live_cluster(kubeconfig: Path, tmp_path: Path) -> None:
    out = tmp_path / "cluster.html"
    result = CliRunner().invoke(
        app, ["report", "--cluster", "--kubeconfig", str(kubeconfig), "-o", str(out)]
    )
    assert result.exit_code == 0, result.stderr
    block = re.search(r'id="netfence-data">(.*?)</script>', out.read_text())
    assert block is not None
    data = json.loads(block.group(1))
    assert {n["id"] for n in data["nodes"] if not n["external"]} >= {
        "ai-inference/vllm-0", "ai-data/minio-0", "gateway/gateway-0", "kube-system/coredns-0",
    }  # fmt: skip
    assert data["summary"]["unprotected"] == data["summary"]["endpoints"]
