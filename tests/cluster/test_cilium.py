"""Cilium on a (stand-in) cluster: preflight detects it and its DNS proxy, snapshot lists its
kinds (and says when cilium.io is not served), and the snapshot's Cilium policies decide."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from netfence.cluster import preflight
from netfence.cluster.cilium import dns_proxy
from netfence.cluster.connect import Connection
from netfence.cluster.snapshot import SnapshotOptions, take
from netfence.inputs import inputs_from_documents
from netfence.load.sources import load_text
from netfence.load.yamlread import Limits
from tests.cluster.cilium_objects import (
    cilium_config,
    deny_metadata,
    fqdn_policy,
    metadata_group,
)
from tests.cluster.fakeapi import FakeCluster
from tests.cluster.objects import daemonset, namespace, pod
from tests.conftest import run_cli_in_process

AGENT = "quay.io/cilium/cilium:v1.18.2"


def rows(connection: Connection) -> dict[str, preflight.Check]:
    return {c.name: c for c in preflight.evaluate(preflight.gather(connection))}


def test_preflight_without_cilium_says_so_in_one_row(connection: Connection) -> None:
    found = rows(connection)
    assert found["Cilium"].status == "pass" and "not detected" in found["Cilium"].detail
    assert "Cilium DNS proxy" not in found


def test_preflight_detects_cilium_and_its_dns_proxy_default(
    connection: Connection, fake: FakeCluster
) -> None:
    fake.add(daemonset("kube-system", "cilium", AGENT))
    fake.cilium_served = True
    found = rows(connection)
    api = found["Cilium policy API"]
    assert api.status == "pass" and "kube-system/cilium" in api.detail
    assert "CiliumCIDRGroup (cilium.io/v2)" in api.detail
    dns = found["Cilium DNS proxy"]
    assert dns.status == "pass" and "no readable kube-system/cilium-config" in dns.detail


@pytest.mark.parametrize(
    ("data", "status", "said"),
    [
        ({"enable-l7-proxy": "false"}, "warn", "enable-l7-proxy: 'false'"),
        ({"enable-l7-proxy": "FALSE"}, "warn", "enable-l7-proxy: 'FALSE'"),
        ({"enable-l7-proxy": "true"}, "pass", "enable-l7-proxy: 'true'"),
        ({"cluster-name": "prod"}, "pass", "not set: Cilium's default (true)"),
    ],
)
def test_preflight_reads_the_dns_proxy_from_cilium_config(
    data: dict[str, str], status: str, said: str, connection: Connection, fake: FakeCluster
) -> None:
    fake.cilium_served = True
    fake.add(cilium_config(**data))
    dns = rows(connection)["Cilium DNS proxy"]
    assert dns.status == status and said in dns.detail
    if status == "warn":
        assert "toFQDNs rules allow nothing" in dns.detail and "l7Proxy=true" in dns.fix


def test_preflight_warns_when_the_agent_runs_without_its_crds(
    connection: Connection, fake: FakeCluster
) -> None:
    fake.add(daemonset("kube-system", "cilium", AGENT))
    api = rows(connection)["Cilium policy API"]
    assert api.status == "warn" and "does not serve CiliumNetworkPolicy" in api.detail


def test_dns_proxy_reading() -> None:
    assert dns_proxy(None).enabled
    assert not dns_proxy({"data": {"enable-l7-proxy": "0"}}).enabled
    assert dns_proxy({"data": {"enable-l7-proxy": "True"}}).enabled


def _cluster(fake: FakeCluster) -> None:
    fake.cilium_served = True
    fake.add(namespace("app"))
    fake.add(namespace("other"))
    fake.add(pod("app", "agent-0", "10.0.0.5", {"app": "agent"}))
    fake.add(fqdn_policy())
    fake.add(fqdn_policy("other", "other-fqdn"))
    fake.add(deny_metadata())
    fake.add(metadata_group())
    fake.add(cilium_config(**{"cluster-name": "prod", "enable-l7-proxy": "true", "other": "x"}))


def test_snapshot_lists_cilium_kinds_and_they_decide(
    connection: Connection, fake: FakeCluster
) -> None:
    _cluster(fake)
    notes: list[str] = []
    manifests = take(connection, SnapshotOptions(), note=notes.append)
    kinds = [(m["apiVersion"], m["kind"], m["metadata"]) for m in manifests]
    assert (
        "cilium.io/v2",
        "CiliumClusterwideNetworkPolicy",
        {"name": "deny-metadata"},
    ) in kinds
    assert ("cilium.io/v2", "CiliumCIDRGroup", {"name": "metadata"}) in kinds
    config = next(m for m in manifests if m["kind"] == "ConfigMap")
    assert config["data"] == {"cluster-name": "prod", "enable-l7-proxy": "true"}
    assert notes == [
        "Cilium kinds listed: CiliumNetworkPolicy (cilium.io/v2), "
        "CiliumClusterwideNetworkPolicy (cilium.io/v2), CiliumCIDRGroup (cilium.io/v2)"
    ]
    loaded = load_text(yaml.safe_dump_all(manifests), "snap.yaml", "default", Limits())
    inputs = inputs_from_documents(loaded.documents)
    assert not inputs.errors, [p.render() for p in inputs.errors]
    ids = sorted(p.id for p in inputs.cluster.cilium_policies)
    assert any("deny-metadata" in i for i in ids) and any("app/agent-fqdn" in i for i in ids)
    only_app = take(connection, SnapshotOptions(namespaces=("app",)))
    names = [m["metadata"]["name"] for m in only_app if m["kind"] == "CiliumNetworkPolicy"]
    assert names == ["agent-fqdn"]


def test_snapshot_says_when_cilium_is_not_served(
    fake: FakeCluster, kubeconfig: Path, tmp_path: Path
) -> None:
    fake.add(namespace("app"))
    out = tmp_path / "snap.yaml"
    result = run_cli_in_process("snapshot", "--kubeconfig", str(kubeconfig), "-o", str(out))
    assert result.returncode == 0, result.stderr
    said = "cilium.io/v2 is not served (no Cilium CRDs): the snapshot holds no Cilium policies"
    assert f"note: {said}" in result.stderr
    assert f"# {said}" in out.read_text().splitlines()[1]
    assert not [r for r in fake.requests if "ciliumnetworkpolicies" in r.path]


def test_cilium_kinds_the_user_may_not_list_are_left_out_with_a_warning(
    connection: Connection, fake: FakeCluster
) -> None:
    _cluster(fake)
    fake.deny("list", "ciliumclusterwidenetworkpolicies", "cilium.io")
    warnings: list[str] = []
    manifests = take(connection, SnapshotOptions(), warn=warnings.append)
    assert "CiliumClusterwideNetworkPolicy" not in {m["kind"] for m in manifests}
    assert warnings == [
        "cannot list CiliumClusterwideNetworkPolicy objects (forbidden for this user): the "
        "snapshot leaves them out, and verdicts on it do not take them into account"
    ]
