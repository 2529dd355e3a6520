"""``--cluster`` on the offline commands reads the live cluster, here the stand-in API server
of the cluster tests (there is no real Kubernetes API server on these machines)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from netfence.cli.app import app


def test_lint_reads_the_live_cluster(stand_in_kubeconfig: Path) -> None:
    args = ["lint", "--cluster", "--kubeconfig", str(stand_in_kubeconfig), "--format", "json"]
    result = CliRunner().invoke(app, [*args, "--fail-on", "never"])
    assert result.exit_code == 0, result.stderr
    rules = {f["rule"] for f in json.loads(result.stdout)["findings"]}
    # A cluster without any policy: nothing is isolated.
    assert {"no-default-deny", "egress-to-internet", "metadata-endpoint-reachable"} <= rules


def test_paths_and_cluster_together_are_a_usage_error(stand_in_kubeconfig: Path) -> None:
    args = ["lint", "--cluster", "--kubeconfig", str(stand_in_kubeconfig), "x.yaml"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert "exactly one of them" in result.stderr


def test_unreachable_cluster_is_an_environment_error(tmp_path: Path) -> None:
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(
        "apiVersion: v1\nkind: Config\ncurrent-context: c\n"
        "clusters: [{name: k, cluster: {server: 'http://127.0.0.1:9'}}]\n"
        "users: [{name: u, user: {token: t}}]\n"
        "contexts: [{name: c, context: {cluster: k, user: u}}]\n"
    )
    result = CliRunner().invoke(app, ["lint", "--cluster", "--kubeconfig", str(kubeconfig)])
    assert result.exit_code == 3
    assert "127.0.0.1:9" in result.stderr


def test_plan_proves_on_the_live_cluster(stand_in_kubeconfig: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ["plan", "--cluster", "--kubeconfig", str(stand_in_kubeconfig), "-o", str(out)]
    result = CliRunner().invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    assert (out / "kustomization.yaml").is_file()


def test_analyze_reads_the_live_cluster(stand_in_kubeconfig: Path) -> None:
    args = ["analyze", "--cluster", "--kubeconfig", str(stand_in_kubeconfig)]
    result = CliRunner().invoke(app, [*args, "--port", "443", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    cells = json.loads(result.stdout)["queries"][0]["matrix"]
    # Without policies every pair connects.
    assert cells and all(c["allowed"] for c in cells)
