"""The real kubectl finds the installed ``kubectl-netfence`` script on PATH and runs it as a
plugin, passing the rest of the command line and the environment through."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.controlplane.plane import READER, ControlPlane

pytestmark = pytest.mark.controlplane


def kubectl(plane: ControlPlane, k8s_bin: Path, *args: str) -> subprocess.CompletedProcess[str]:
    scripts = Path(sys.executable).parent
    env = dict(
        os.environ,
        PATH=os.pathsep.join([str(k8s_bin), str(scripts), os.environ.get("PATH", "")]),
        KUBECONFIG=str(plane.kubeconfig),
        COLUMNS="200",
        NO_COLOR="1",
    )
    return subprocess.run(
        [str(k8s_bin / "kubectl"), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )


def test_kubectl_lists_the_plugin(control_plane: ControlPlane, k8s_bin: Path) -> None:
    result = kubectl(control_plane, k8s_bin, "plugin", "list")
    assert result.returncode == 0, result.stderr
    assert str(Path(sys.executable).parent / "kubectl-netfence") in result.stdout


def test_kubectl_netfence_preflight_runs_against_the_cluster(
    control_plane: ControlPlane, k8s_bin: Path
) -> None:
    result = kubectl(
        control_plane, k8s_bin, "netfence", "preflight", "--context", READER, "--format", "json"
    )
    assert result.returncode == 1, result.stderr  # no CNI on a bare control plane
    rows = {r["check"]: r["status"] for r in json.loads(result.stdout)["checks"]}
    assert rows["NetworkPolicy API"] == "pass"
    assert rows["RBAC: read"] == "pass" and rows["RBAC: apply"] == "fail"


def test_kubectl_netfence_snapshot_pipes_into_analyze(
    control_plane: ControlPlane, k8s_bin: Path
) -> None:
    from tests.controlplane.mesh import add_dns

    add_dns(control_plane)
    snap = kubectl(control_plane, k8s_bin, "netfence", "snapshot", "-n", "kube-system")
    assert snap.returncode == 0, snap.stderr
    assert "# netfence snapshot of https://127.0.0.1:" in snap.stdout
    assert "name: coredns-0" in snap.stdout
