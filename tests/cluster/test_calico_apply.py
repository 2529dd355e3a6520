"""Apply and verify of Calico's kinds on the stand-in: told apart from Kubernetes kinds of the
same name, server-side applied through the custom-objects API, refused when not served."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from netfence.cluster.applyplan import plan_apply
from netfence.cluster.connect import Connection
from netfence.cluster.desired import from_folder
from netfence.cluster.snapshot import SnapshotOptions, take
from netfence.cluster.verify import verify
from netfence.vocabulary import MANAGED_BY_LABEL
from tests.cluster.fakeapi import FakeCluster
from tests.cluster.objects import namespace, pod, policy
from tests.conftest import run_cli_in_process

V3 = "projectcalico.org/v3"


def _calico(api_version: str, kind: str, name: str, spec: dict[str, Any], ns: str = "") -> Any:
    meta: dict[str, Any] = {"name": name, **({"namespace": ns} if ns else {})}
    return {"apiVersion": api_version, "kind": kind, "metadata": meta, "spec": spec}


def _desired(api_version: str = V3) -> list[dict[str, Any]]:
    deny = {"tier": "platform", "selector": "all()", "types": ["Ingress"]}
    deny["ingress"] = [{"action": "Deny", "source": {"selector": "app == 'probe'"}}]
    allow = {"selector": "app == 'web'", "ingress": [{"action": "Allow"}]}
    return [
        namespace("app"),
        policy("app", "allow", {"podSelector": {}, "ingress": [{}]}),
        _calico(api_version, "NetworkPolicy", "allow", allow, ns="app"),
        _calico(api_version, "GlobalNetworkPolicy", "platform.guard", deny),
        _calico(api_version, "GlobalNetworkSet", "metadata", {"nets": ["169.254.169.254/32"]}),
        _calico(api_version, "Tier", "platform", {"order": 100}),
    ]


@pytest.fixture
def calico_source(tmp_path: Path) -> Path:
    (tmp_path / "all.yaml").write_text(yaml.safe_dump_all(_desired()))
    return tmp_path


@pytest.fixture
def cluster(fake: FakeCluster) -> FakeCluster:
    fake.calico_served = "projectcalico.org"
    fake.add(namespace("app"))
    fake.add(pod("app", "web-0", "10.0.0.5", {"app": "web"}))
    return fake


def _stored(fake: FakeCluster, group: str, plural: str) -> dict[tuple[str, str], Any]:
    return fake.store[(group, plural)]


def _apply(kubeconfig: Path, source: Path, *extra: str) -> Any:
    return run_cli_in_process("apply", str(source), "--kubeconfig", str(kubeconfig), *extra)


def test_plan_keys_by_group_and_orders_tiers_sets_then_policies(
    cluster: FakeCluster, connection: Connection, calico_source: Path
) -> None:
    cluster.add(policy("app", "allow", {"podSelector": {}, "ingress": [{}]}))
    plan = plan_apply(from_folder(str(calico_source)), take(connection, SnapshotOptions()), False)
    actions = {s.ident: s.action for s in plan.steps}
    assert actions["NetworkPolicy/app/allow"] == "change"  # only the managed label is new
    assert actions["NetworkPolicy.projectcalico.org/app/allow"] == "create"
    calico = [s.ident for s in plan.changes if s.is_calico]
    assert calico == [
        "Tier.projectcalico.org/platform",
        "GlobalNetworkSet.projectcalico.org/metadata",
        "NetworkPolicy.projectcalico.org/app/allow",
        "GlobalNetworkPolicy.projectcalico.org/platform.guard",
    ]


def test_apply_writes_calico_objects_with_field_manager_then_is_a_no_op(
    cluster: FakeCluster, kubeconfig: Path, calico_source: Path
) -> None:
    result = _apply(kubeconfig, calico_source, "--yes")
    assert result.returncode == 0, result.stderr
    written = _stored(cluster, "projectcalico.org", "networkpolicies")[("app", "allow")]
    assert written["spec"]["selector"] == "app == 'web'"
    assert written["metadata"]["labels"][MANAGED_BY_LABEL] == "netfence"
    assert [m["manager"] for m in written["metadata"]["managedFields"]] == ["netfence"]
    assert ("", "platform") in _stored(cluster, "projectcalico.org", "tiers")
    kubernetes = cluster.get("NetworkPolicy", "app", "allow")
    assert kubernetes is not None and "selector" not in kubernetes["spec"]
    again = _apply(kubeconfig, calico_source, "--yes")
    assert again.returncode == 0, again.stderr
    assert "nothing to change" in again.stdout


def test_dry_run_sends_calico_objects_as_dry_runs_only(
    cluster: FakeCluster, kubeconfig: Path, calico_source: Path
) -> None:
    result = _apply(kubeconfig, calico_source, "--dry-run")
    assert result.returncode == 0, result.stderr
    assert not _stored(cluster, "projectcalico.org", "globalnetworkpolicies")
    patches = [r for r in cluster.requests if r.method == "PATCH" and "projectcalico" in r.path]
    assert len(patches) == 4
    assert all(r.query.get("dryRun") == "All" for r in patches)
    assert all(r.query.get("fieldManager") == "netfence" for r in patches)


@pytest.mark.parametrize("served", [None, "crd.projectcalico.org"])
def test_apply_refuses_when_the_calico_api_is_not_served(
    served: str | None, cluster: FakeCluster, kubeconfig: Path, calico_source: Path
) -> None:
    cluster.calico_served = served
    result = _apply(kubeconfig, calico_source, "--yes")
    assert result.returncode == 3
    (line,) = result.stderr.strip().splitlines()
    assert "does not serve Calico's" in line and "projectcalico.org/v3" in line
    assert not [r for r in cluster.requests if r.method == "PATCH"]  # nothing written


def test_crd_group_objects_apply_where_only_the_crds_are_served(
    cluster: FakeCluster, kubeconfig: Path, tmp_path: Path
) -> None:
    cluster.calico_served = "crd.projectcalico.org"
    folder = tmp_path / "crd"
    folder.mkdir()
    (folder / "all.yaml").write_text(yaml.safe_dump_all(_desired("crd.projectcalico.org/v1")))
    result = _apply(kubeconfig, folder, "--yes")
    assert result.returncode == 0, result.stderr
    assert ("app", "allow") in _stored(cluster, "crd.projectcalico.org", "networkpolicies")


def test_prune_deletes_stale_managed_calico_objects_only(
    cluster: FakeCluster, connection: Connection, kubeconfig: Path, calico_source: Path
) -> None:
    assert _apply(kubeconfig, calico_source, "--yes").returncode == 0
    stale = _calico(V3, "NetworkSet", "old", {"nets": ["10.9.0.0/16"]}, ns="app")
    stale["metadata"]["labels"] = {MANAGED_BY_LABEL: "netfence"}
    cluster.add(stale)
    cluster.add(_calico(V3, "NetworkSet", "theirs", {"nets": ["10.8.0.0/16"]}, ns="app"))
    plan = plan_apply(from_folder(str(calico_source)), take(connection, SnapshotOptions()), True)
    assert [s.ident for s in plan.changes] == ["NetworkSet.projectcalico.org/app/old"]
    assert _apply(kubeconfig, calico_source, "--yes", "--prune").returncode == 0
    assert set(_stored(cluster, "projectcalico.org", "networksets")) == {("app", "theirs")}


def test_verify_reports_calico_drift_by_group(
    cluster: FakeCluster, connection: Connection, kubeconfig: Path, calico_source: Path
) -> None:
    desired = from_folder(str(calico_source))
    before = verify(desired, take(connection, SnapshotOptions()))
    missing = {d.ident for d in before.drift if d.kind == "missing"}
    assert "NetworkPolicy.projectcalico.org/app/allow" in missing
    assert "NetworkPolicy/app/allow" in missing
    assert _apply(kubeconfig, calico_source, "--yes").returncode == 0
    after = verify(desired, take(connection, SnapshotOptions()))
    assert not after.drift and not after.drifted
