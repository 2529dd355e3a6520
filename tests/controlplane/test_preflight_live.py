"""Preflight against a real kube-apiserver: discovery, RBAC reviews, policy-tier CRDs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from netfence.cluster import access, preflight
from netfence.cluster.connect import Connection, check_reachable
from netfence.cluster.tiers import served_kinds
from tests.conftest import run_cli
from tests.controlplane.plane import READER, ControlPlane

pytestmark = pytest.mark.controlplane


def test_discovery_serves_networkpolicies_and_names_the_release(admin: Connection) -> None:
    assert preflight.networkpolicy_served(admin)
    assert check_reachable(admin).startswith("v1.")


def test_admin_may_do_everything_and_reader_only_reads(
    admin: Connection, reader: Connection
) -> None:
    assert access.missing(admin) == []
    lacking = access.missing(reader)
    assert {p.purpose for p in lacking} == {"apply", "probe"}
    assert [str(p) for p in lacking if p.purpose == "apply"] == [
        "patch namespaces",
        "create networkpolicies.networking.k8s.io",
        "patch networkpolicies.networking.k8s.io",
        "delete networkpolicies.networking.k8s.io",
    ]


def test_preflight_as_reader_fails_on_apply_rights(control_plane: ControlPlane) -> None:
    result = run_cli(
        "preflight",
        "--kubeconfig",
        str(control_plane.kubeconfig),
        "--context",
        READER,
        "--format",
        "json",
    )
    assert result.returncode == 1, result.stderr
    rows = {r["check"]: r for r in json.loads(result.stdout)["checks"]}
    assert rows["NetworkPolicy API"]["status"] == "pass"
    assert rows["RBAC: read"]["status"] == "pass"
    assert rows["RBAC: apply"]["status"] == "fail"
    assert "patch namespaces" in rows["RBAC: apply"]["detail"]
    assert rows["RBAC: probe"]["status"] == "warn"
    # No CNI DaemonSet exists on a bare control plane.
    assert rows["CNI enforces policy"]["status"] == "fail"


def _install_crds(control_plane: ControlPlane, folder: Path) -> list[str]:
    names = []
    for path in sorted(folder.glob("*.yaml")):
        for crd in yaml.safe_load_all(path.read_text()):
            if crd and crd.get("kind") == "CustomResourceDefinition":
                control_plane.apply_object(crd)
                names.append(crd["metadata"]["name"])
    return names


def test_policy_tier_crds_absent_then_present(
    control_plane: ControlPlane, admin: Connection, k8s_bin: Path
) -> None:
    assert served_kinds(admin) == {}
    names = _install_crds(control_plane, k8s_bin.parent / "crds")
    assert "adminnetworkpolicies.policy.networking.k8s.io" in names
    for name in names:
        control_plane.wait_for_crd(name)
    assert served_kinds(admin) == {
        "AdminNetworkPolicy": "v1alpha1",
        "BaselineAdminNetworkPolicy": "v1alpha1",
        "ClusterNetworkPolicy": "v1beta1",
    }
    checks = {c.name: c for c in preflight.evaluate(preflight.gather(admin))}
    assert checks["Policy tiers API"].status == "pass"
    assert "AdminNetworkPolicy (policy.networking.k8s.io/v1alpha1)" in (
        checks["Policy tiers API"].detail
    )


def test_tier_kinds_the_reader_may_not_list_are_left_out_and_said(
    control_plane: ControlPlane, admin: Connection, k8s_bin: Path, tmp_path: Path
) -> None:
    if not served_kinds(admin):  # run alone: serve the CRDs the test above installs
        for name in _install_crds(control_plane, k8s_bin.parent / "crds"):
            control_plane.wait_for_crd(name)
    out = tmp_path / "snap.yaml"
    common = ["--kubeconfig", str(control_plane.kubeconfig), "-n", "default", "-o", str(out)]
    result = run_cli("snapshot", "--context", READER, *common)
    assert result.returncode == 0, result.stderr
    for kind in served_kinds(admin):
        assert f"warning: cannot list {kind} objects (forbidden for this user)" in result.stderr
    as_admin = run_cli("snapshot", *common)
    assert as_admin.returncode == 0, as_admin.stderr
    assert "cannot list" not in as_admin.stderr
