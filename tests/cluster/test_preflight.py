"""Preflight: API, CNI enforcement, NodeLocal DNSCache, CIDRs and RBAC, with a fix each."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from netfence.cluster import preflight
from netfence.cluster.cni import DaemonSetInfo, detect, kindnet_enforcement
from netfence.cluster.connect import Connection
from tests.cluster.fakeapi import FakeCluster
from tests.cluster.objects import daemonset
from tests.conftest import run_cli_in_process


def checks_by_name(connection: Connection) -> dict[str, preflight.Check]:
    return {c.name: c for c in preflight.evaluate(preflight.gather(connection))}


def test_flannel_only_cluster_fails_with_the_fix(fake: FakeCluster, kubeconfig: Path) -> None:
    fake.add(daemonset("kube-flannel", "kube-flannel-ds", "docker.io/flannel/flannel:v0.25.1"))
    fake.add(daemonset("kube-system", "kube-proxy", "registry.k8s.io/kube-proxy:v1.31.0"))
    result = run_cli_in_process("preflight", "--kubeconfig", str(kubeconfig), "--format", "json")
    assert result.returncode == 1, result.stderr
    rows = {r["check"]: r for r in json.loads(result.stdout)["checks"]}
    cni = rows["CNI enforces policy"]
    assert cni["status"] == "fail"
    assert "Flannel (kube-flannel/kube-flannel-ds)" in cni["detail"]
    assert "install a CNI that enforces NetworkPolicy" in cni["fix"]
    assert rows["NetworkPolicy API"]["status"] == "pass"


def test_text_table_shows_every_check(fake: FakeCluster, kubeconfig: Path) -> None:
    fake.add(daemonset("kube-system", "kube-flannel-ds", "flannel/flannel:v0.25.1"))
    result = run_cli_in_process("preflight", "--kubeconfig", str(kubeconfig))
    assert result.returncode == 1
    for name in ("NetworkPolicy API", "CNI enforces policy", "NodeLocal DNSCache", "RBAC: read"):
        assert name in result.stdout
    assert "fail" in result.stdout and "Canal" in result.stdout


def test_healthy_calico_cluster_passes(fake: FakeCluster, connection: Connection) -> None:
    fake.add(daemonset("calico-system", "calico-node", "docker.io/calico/node:v3.28.0"))
    fake.add(
        daemonset("kube-system", "node-local-dns", "registry.k8s.io/dns/k8s-dns-node-cache:1.23.1")
    )
    fake.add(
        {
            "apiVersion": "v1",
            "kind": "Node",
            "metadata": {"name": "n1"},
            "spec": {"podCIDRs": ["10.244.1.0/24", "fd00:10:244:1::/64"]},
        }
    )
    fake.add(
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "kubeadm-config", "namespace": "kube-system"},
            "data": {
                "ClusterConfiguration": "networking:\n  podSubnet: 10.244.0.0/16\n"
                "  serviceSubnet: 10.96.0.0/12\n"
            },
        }
    )
    checks = checks_by_name(connection)
    assert checks["CNI enforces policy"].status == "pass"
    assert "Calico" in checks["CNI enforces policy"].detail
    assert checks["NodeLocal DNSCache"].status == "warn"
    assert "169.254.20.10" in checks["NodeLocal DNSCache"].fix
    cidrs = checks["Pod/service CIDRs"]
    assert cidrs.status == "pass"
    assert "10.244.0.0/16" in cidrs.detail and "fd00:10:244:1::/64" in cidrs.detail
    assert "services 10.96.0.0/12" in cidrs.detail
    assert all(c.status != "fail" for c in checks.values())


def test_cidrs_from_control_plane_flags(fake: FakeCluster, connection: Connection) -> None:
    fake.add(
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "kube-apiserver-cp", "namespace": "kube-system"},
            "spec": {
                "containers": [
                    {
                        "name": "kube-apiserver",
                        "image": "k",
                        "command": ["kube-apiserver", "--service-cluster-ip-range=10.96.0.0/12"],
                    }
                ]
            },
        }
    )
    fake.add(
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "kube-proxy", "namespace": "kube-system"},
            "data": {"config.conf": "clusterCIDR: 10.244.0.0/16\n"},
        }
    )
    detail = checks_by_name(connection)["Pod/service CIDRs"].detail
    assert detail == "pods 10.244.0.0/16; services 10.96.0.0/12"


def test_api_not_served_fails(fake: FakeCluster, connection: Connection) -> None:
    fake.networking_served = False
    fake.add(daemonset("kube-system", "cilium", "quay.io/cilium/cilium:v1.16.0"))
    checks = checks_by_name(connection)
    assert checks["NetworkPolicy API"].status == "fail"
    assert checks["CNI enforces policy"].status == "pass"


def test_missing_rbac_is_a_failed_row_with_a_fix(fake: FakeCluster, connection: Connection) -> None:
    fake.deny("patch", "networkpolicies", "networking.k8s.io")
    fake.deny("create", "pods/exec")
    checks = checks_by_name(connection)
    assert checks["RBAC: apply"].status == "fail"
    assert checks["RBAC: apply"].detail == "cannot patch networkpolicies.networking.k8s.io"
    assert checks["RBAC: probe"].status == "warn"
    assert checks["RBAC: read"].status == "pass"


def test_no_plugin_found_fails() -> None:
    check = preflight.evaluate(preflight.ClusterFacts(networkpolicy_served=True))[1]
    assert (check.status, check.detail) == ("fail", "no known network plugin DaemonSet found")


@pytest.mark.parametrize(
    ("image", "enforces"),
    [
        ("docker.io/kindest/kindnetd:v20230511-dc714da8", "no"),
        ("docker.io/kindest/kindnetd:v20240813-c6f155d6", "yes"),
        ("ghcr.io/aojea/kindnet:v1.2.0", "no"),
        ("ghcr.io/kubernetes-sigs/kindnet:v1.8.5", "yes"),
        ("example.com/kindnetd:latest", "unknown"),
    ],
)
def test_kindnet_support_depends_on_release(image: str, enforces: str) -> None:
    assert kindnet_enforcement([image])[0] == enforces


def test_canal_counts_as_enforcing() -> None:
    found = detect(
        [DaemonSetInfo("kube-system", "canal", ("calico/node:v3.28", "flannel/flannel"))]
    )
    assert {(f.name, f.enforces) for f in found} == {("Calico", "yes"), ("Flannel", "no")}
    facts = preflight.ClusterFacts(True, [DaemonSetInfo("kube-system", "canal", ("calico/node",))])
    assert preflight.evaluate(facts)[1].status == "pass"
