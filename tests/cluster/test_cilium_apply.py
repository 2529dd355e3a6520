"""Apply and verify of Cilium's kinds on the stand-in: server-side applied through the
custom-objects API (dry run first, manager netfence), ordered, pruned, refused when cilium.io
is not served, and warned about when toFQDNs rules meet a disabled DNS proxy."""

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
from tests.cluster.cilium_objects import (
    cilium,
    cilium_config,
    deny_metadata,
    fqdn_policy,
    metadata_group,
)
from tests.cluster.fakeapi import FakeCluster
from tests.cluster.objects import namespace, pod
from tests.conftest import run_cli_in_process

GROUP = "cilium.io"


def _desired() -> list[dict[str, Any]]:
    return [namespace("app"), fqdn_policy(), deny_metadata(), metadata_group()]


@pytest.fixture
def cilium_source(tmp_path: Path) -> Path:
    (tmp_path / "all.yaml").write_text(yaml.safe_dump_all(_desired()))
    return tmp_path


@pytest.fixture
def cluster(fake: FakeCluster) -> FakeCluster:
    fake.cilium_served = True
    fake.add(namespace("app"))
    fake.add(pod("app", "agent-0", "10.0.0.5", {"app": "agent"}))
    return fake


def _stored(fake: FakeCluster, plural: str) -> dict[tuple[str, str], Any]:
    return fake.store[(GROUP, plural)]


def _apply(kubeconfig: Path, source: Path, *extra: str) -> Any:
    return run_cli_in_process("apply", str(source), "--kubeconfig", str(kubeconfig), *extra)


def test_plan_orders_cidr_groups_then_allows_then_denies(
    cluster: FakeCluster, connection: Connection, cilium_source: Path
) -> None:
    plan = plan_apply(from_folder(str(cilium_source)), take(connection, SnapshotOptions()), False)
    assert [s.ident for s in plan.changes if s.is_cilium] == [
        "CiliumCIDRGroup/metadata",
        "CiliumNetworkPolicy/app/agent-fqdn",
        "CiliumClusterwideNetworkPolicy/deny-metadata",
    ]
    assert all(s.action == "create" for s in plan.changes if s.is_cilium)


def test_apply_writes_cilium_objects_with_field_manager_then_is_a_no_op(
    cluster: FakeCluster, kubeconfig: Path, cilium_source: Path
) -> None:
    result = _apply(kubeconfig, cilium_source, "--yes")
    assert result.returncode == 0, result.stderr
    written = _stored(cluster, "ciliumnetworkpolicies")[("app", "agent-fqdn")]
    assert written["spec"]["egress"][1]["toFQDNs"] == [{"matchName": "api.openai.com"}]
    assert written["metadata"]["labels"][MANAGED_BY_LABEL] == "netfence"
    assert [m["manager"] for m in written["metadata"]["managedFields"]] == ["netfence"]
    assert ("", "deny-metadata") in _stored(cluster, "ciliumclusterwidenetworkpolicies")
    assert ("", "metadata") in _stored(cluster, "ciliumcidrgroups")
    patches = [r for r in cluster.requests if r.method == "PATCH" and GROUP in r.path]
    assert [r.query.get("dryRun") for r in patches] == ["All"] * 3 + [None] * 3
    assert "warning" not in result.stderr
    again = _apply(kubeconfig, cilium_source, "--yes")
    assert again.returncode == 0, again.stderr
    assert "nothing to change" in again.stdout


def test_dry_run_sends_cilium_objects_as_dry_runs_only(
    cluster: FakeCluster, kubeconfig: Path, cilium_source: Path
) -> None:
    result = _apply(kubeconfig, cilium_source, "--dry-run")
    assert result.returncode == 0, result.stderr
    assert not _stored(cluster, "ciliumnetworkpolicies")
    patches = [r for r in cluster.requests if r.method == "PATCH" and GROUP in r.path]
    assert len(patches) == 3
    assert all(r.query.get("dryRun") == "All" for r in patches)
    assert all(r.query.get("fieldManager") == "netfence" for r in patches)


def test_apply_refuses_when_cilium_is_not_served(
    cluster: FakeCluster, kubeconfig: Path, cilium_source: Path
) -> None:
    cluster.cilium_served = False
    result = _apply(kubeconfig, cilium_source, "--yes")
    assert result.returncode == 3
    (line,) = result.stderr.strip().splitlines()
    assert "does not serve CiliumCIDRGroup as cilium.io/v2" in line
    assert "cannot apply 3 Cilium object(s)" in line
    assert not [r for r in cluster.requests if r.method == "PATCH"]  # nothing written


def test_apply_warns_when_fqdn_policies_meet_a_disabled_dns_proxy(
    cluster: FakeCluster, kubeconfig: Path, cilium_source: Path
) -> None:
    cluster.add(cilium_config(**{"enable-l7-proxy": "false"}))
    result = _apply(kubeconfig, cilium_source, "--dry-run")
    assert result.returncode == 0, result.stderr
    (line,) = [x for x in result.stderr.splitlines() if "warning" in x]
    assert "1 Cilium policy(ies) with toFQDNs (agent-fqdn) allow nothing" in line
    assert "enable-l7-proxy: 'false'" in line


def test_prune_deletes_stale_managed_cilium_objects_only(
    cluster: FakeCluster, connection: Connection, kubeconfig: Path, cilium_source: Path
) -> None:
    assert _apply(kubeconfig, cilium_source, "--yes").returncode == 0
    stale = fqdn_policy(name="old")
    stale["metadata"]["labels"] = {MANAGED_BY_LABEL: "netfence"}
    cluster.add(stale)
    cluster.add(fqdn_policy(name="theirs"))
    plan = plan_apply(from_folder(str(cilium_source)), take(connection, SnapshotOptions()), True)
    assert [(s.action, s.ident) for s in plan.changes] == [("prune", "CiliumNetworkPolicy/app/old")]
    assert _apply(kubeconfig, cilium_source, "--yes", "--prune").returncode == 0
    assert set(_stored(cluster, "ciliumnetworkpolicies")) == {
        ("app", "agent-fqdn"),
        ("app", "theirs"),
    }


def test_verify_reports_cilium_drift(
    cluster: FakeCluster, connection: Connection, kubeconfig: Path, cilium_source: Path
) -> None:
    desired = from_folder(str(cilium_source))
    before = verify(desired, take(connection, SnapshotOptions()))
    missing = {d.ident for d in before.drift if d.kind == "missing"}
    assert {"CiliumNetworkPolicy/app/agent-fqdn", "CiliumCIDRGroup/metadata"} <= missing
    assert _apply(kubeconfig, cilium_source, "--yes").returncode == 0
    after = verify(desired, take(connection, SnapshotOptions()))
    assert not after.drift and not after.drifted
    changed = cilium("CiliumCIDRGroup", "metadata", {"externalCIDRs": ["169.254.0.0/16"]})
    changed["metadata"]["labels"] = {MANAGED_BY_LABEL: "netfence"}
    cluster.add(changed)
    cluster.add(fqdn_policy(name="extra"))
    drift = {(d.kind, d.ident) for d in verify(desired, take(connection, SnapshotOptions())).drift}
    assert drift == {
        ("differs", "CiliumCIDRGroup/metadata"),
        ("extra", "CiliumNetworkPolicy/app/extra"),
    }
