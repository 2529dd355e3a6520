"""Apply and verify against a real kube-apiserver: server-side apply as field manager
``netfence`` after a server dry run, conflicts with other managers, the order of writes seen
through a watch, and drift after another manager edits a policy."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml

from tests.cluster.objects import mesh_manifests
from tests.conftest import run_cli
from tests.controlplane.mesh import add_mesh, policy_spec, remove_policies, renamed
from tests.controlplane.plane import ControlPlane, events_since, list_version

pytestmark = pytest.mark.controlplane

POLICIES = "/apis/networking.k8s.io/v1/networkpolicies"
NAMESPACES = "/api/v1/namespaces"


@pytest.fixture
def mesh(control_plane: ControlPlane, tmp_path: Path) -> Iterator[Callable[[str], Path]]:
    """Puts the mesh in namespaces ``*-SUFFIX``; afterwards removes their policies, since
    verify counts every policy labelled as netfence's anywhere in the cluster."""
    used: list[str] = []

    def add(suffix: str) -> Path:
        used.append(suffix)
        return add_mesh(control_plane, suffix, tmp_path / suffix)

    yield add
    for suffix in used:
        remove_policies(control_plane, suffix)


def audited_patches(plane: ControlPlane, since: int, expected: int) -> list[str]:
    """The request URIs of PATCHes audited since line ``since`` (the last event of a request
    can be written just after its response: wait for it a little)."""
    deadline = time.monotonic() + 10
    while True:
        patches = [e["requestURI"] for e in plane.audit(since) if e["verb"] == "patch"]
        if len(patches) >= expected or time.monotonic() > deadline:
            assert len(patches) == expected, patches
            return patches
        time.sleep(0.1)


def apply(plane: ControlPlane, folder: Path, *extra: str) -> tuple[int, str, str]:
    result = run_cli("apply", str(folder), "--kubeconfig", str(plane.kubeconfig), *extra)
    return result.returncode, result.stdout, result.stderr


def test_apply_writes_labels_then_dns_then_allows_then_denies(
    control_plane: ControlPlane, mesh: Callable[[str], Path]
) -> None:
    folder = mesh("order")
    since = {path: list_version(control_plane, path) for path in (POLICIES, NAMESPACES)}
    audited = len(control_plane.audit())
    code, stdout, stderr = apply(control_plane, folder, "--yes")
    assert code == 0, stdout + stderr
    assert "3 to change" in stdout and "9 to create" in stdout
    # The audit log: every change dry-run first, then sent, all as field manager netfence.
    patches = audited_patches(control_plane, audited, 24)
    assert all("fieldManager=netfence" in uri for uri in patches)
    assert ["dryRun=All" in uri for uri in patches] == [True] * 12 + [False] * 12
    events = sorted(
        (e for path, rv in since.items() for e in events_since(control_plane, path, rv)),
        key=lambda e: e.resource_version,
    )
    mine = [e for e in events if "-order" in e.ident]
    # The server dry run wrote nothing: one event per object written, none twice.
    assert [(e.type, e.kind) for e in mine].count(("ADDED", "NetworkPolicy")) == 9
    assert len({e.ident for e in mine}) == len(mine) == 12
    order = [e.ident for e in mine]
    labelled = [i for i, e in enumerate(mine) if e.kind == "Namespace"]
    assert labelled == [0, 1, 2]
    assert all(e.obj["metadata"]["labels"].get("purpose") for e in mine[:3])
    for namespace in ("ai-inference-order", "ai-data-order", "gateway-order"):
        assert order.index(f"{namespace}/allow-dns") < order.index(f"{namespace}/deny-all")
    denies = [i for i, ident in enumerate(order) if ident.endswith("/deny-all")]
    allows = [i for i, ident in enumerate(order) if "/allow-" in ident]
    assert max(allows) < min(denies)
    _, deny = control_plane.request(
        "GET", "/apis/networking.k8s.io/v1/namespaces/ai-data-order/networkpolicies/deny-all"
    )
    managers = [(m["manager"], m["operation"]) for m in deny["metadata"]["managedFields"]]
    assert managers == [("netfence", "Apply")]
    again = apply(control_plane, folder, "--yes")
    assert again[0] == 0 and "nothing to change" in again[1]


def test_conflict_with_another_manager_changes_nothing_until_forced(
    control_plane: ControlPlane, mesh: Callable[[str], Path]
) -> None:
    folder = mesh("conflict")
    udp_only = policy_spec("allow-dns")
    udp_only["egress"][0]["ports"] = [{"port": 53, "protocol": "UDP"}]
    control_plane.request(
        "POST",
        "/apis/networking.k8s.io/v1/namespaces/ai-data-conflict/networkpolicies",
        {"metadata": {"name": "allow-dns"}, "spec": udp_only},
        params={"fieldManager": "platform-team"},
    )
    since = {path: list_version(control_plane, path) for path in (POLICIES, NAMESPACES)}
    code, stdout, stderr = apply(control_plane, folder, "--yes")
    assert code == 1, stdout + stderr
    assert (
        'conflict: NetworkPolicy/ai-data-conflict/allow-dns: conflict with "platform-team" '
        "using networking.k8s.io/v1: .spec.egress" in stderr
    )
    assert "nothing was changed; rerun with --force" in stderr
    assert [e for path, rv in since.items() for e in events_since(control_plane, path, rv)] == []
    code, stdout, stderr = apply(control_plane, folder, "--yes", "--force")
    assert code == 0, stdout + stderr
    _, taken = control_plane.request(
        "GET", "/apis/networking.k8s.io/v1/namespaces/ai-data-conflict/networkpolicies/allow-dns"
    )
    assert len(taken["spec"]["egress"][0]["ports"]) == 2


def test_verify_reports_drift_after_another_manager_edits(
    control_plane: ControlPlane, mesh: Callable[[str], Path]
) -> None:
    folder = mesh("verify")
    assert apply(control_plane, folder, "--yes")[0] == 0
    clean = run_cli("verify", str(folder), "--kubeconfig", str(control_plane.kubeconfig))
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "no drift: live policies match" in clean.stdout
    control_plane.request(
        "PATCH",
        "/apis/networking.k8s.io/v1/namespaces/ai-inference-verify/networkpolicies/"
        "allow-from-gateway",
        {"spec": {"ingress": [{"ports": [{"port": 9000, "protocol": "TCP"}]}]}},
        params={"fieldManager": "kubectl-edit"},
        content_type="application/merge-patch+json",
    )
    drifted = run_cli(
        "verify", str(folder), "--kubeconfig", str(control_plane.kubeconfig), "--format", "json"
    )
    assert drifted.returncode == 1, drifted.stdout + drifted.stderr
    report = json.loads(drifted.stdout)
    assert report["objects"] == [
        {
            "kind": "differs",
            "ident": "NetworkPolicy/ai-inference-verify/allow-from-gateway",
            "detail": "spec or labels differ",
        }
    ]
    # The edit let every pod in on 9000 and shut the gateway out of 8000.
    changes = {c["change"] for c in report["connectivity"]}
    assert len(changes) == 2, report["connectivity"]
    code, _, stderr = apply(control_plane, folder, "--yes")
    assert code == 1
    assert 'conflict with "kubectl-edit" using networking.k8s.io/v1: .spec.ingress' in stderr


def test_apply_creates_namespaces_that_do_not_exist_yet(
    control_plane: ControlPlane, tmp_path: Path
) -> None:
    """A dry run creates no namespace, so policies in new ones cannot be dry-run (the server
    would answer 404): they are sent after their namespace is created."""
    folder = tmp_path / "fresh"
    folder.mkdir()
    (folder / "mesh.yaml").write_text(yaml.safe_dump_all(renamed(mesh_manifests(), "fresh")))
    code, stdout, stderr = apply(control_plane, folder, "--dry-run")
    assert code == 0, stdout + stderr
    assert "server-side dry run accepted 3 changes (9 in namespaces not created yet)" in stdout
    status, _ = control_plane.request("GET", "/api/v1/namespaces/ai-data-fresh", expect=None)
    assert status == 404
    code, stdout, stderr = apply(control_plane, folder, "--yes")
    assert code == 0, stdout + stderr
    _, namespace = control_plane.request("GET", "/api/v1/namespaces/ai-data-fresh")
    assert namespace["metadata"]["labels"]["purpose"] == "data"
    _, policies = control_plane.request(
        "GET", "/apis/networking.k8s.io/v1/namespaces/ai-data-fresh/networkpolicies"
    )
    assert sorted(p["metadata"]["name"] for p in policies["items"]) == [
        "allow-dns",
        "allow-from-inference",
        "deny-all",
    ]
    remove_policies(control_plane, "fresh")
