"""Verify: counts per namespace, object drift, and connectivity drift; exit 1 on drift."""

from __future__ import annotations

import json
from pathlib import Path

from netfence.cluster.apply import apply_plan
from netfence.cluster.applyplan import plan_apply
from netfence.cluster.connect import Connection
from netfence.cluster.desired import from_folder
from netfence.cluster.snapshot import SnapshotOptions, take
from netfence.cluster.verify import verify
from netfence.vocabulary import MANAGED_BY_LABEL
from tests.cluster.fakeapi import FakeCluster
from tests.cluster.objects import ALLOW_DNS, policy
from tests.conftest import run_cli_in_process


def applied(connection: Connection, source: Path) -> None:
    live = take(connection, SnapshotOptions())
    apply_plan(connection, plan_apply(from_folder(str(source)), live, prune=False))


def test_fresh_cluster_drifts_everywhere(
    live: FakeCluster, connection: Connection, source: Path
) -> None:
    result = verify(from_folder(str(source)), take(connection, SnapshotOptions()))
    assert result.drifted
    kinds = {(d.kind, d.ident) for d in result.drift}
    assert ("missing", "NetworkPolicy/ai-data/deny-all") in kinds
    assert ("labels", "Namespace/ai-data") in kinds
    assert [(c.namespace, c.live, c.expected) for c in result.counts] == [
        ("ai-data", 0, 3),
        ("ai-inference", 0, 3),
        ("gateway", 0, 3),
    ]
    assert result.connectivity.removed


def test_applied_cluster_verifies_clean(
    live: FakeCluster, connection: Connection, kubeconfig: Path, source: Path
) -> None:
    applied(connection, source)
    result = run_cli_in_process("verify", str(source), "--kubeconfig", str(kubeconfig))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no drift: live policies match" in result.stdout


def test_edited_and_extra_policies_are_drift(
    live: FakeCluster, connection: Connection, kubeconfig: Path, source: Path
) -> None:
    applied(connection, source)
    udp_only = {
        **ALLOW_DNS,
        "egress": [{**ALLOW_DNS["egress"][0], "ports": [{"port": 53, "protocol": "UDP"}]}],
    }
    live.add(policy("ai-data", "allow-dns", udp_only, **{MANAGED_BY_LABEL: "netfence"}))
    live.add(policy("gateway", "allow-all-egress", {"podSelector": {}, "egress": [{}]}))
    result = run_cli_in_process(
        "verify", str(source), "--kubeconfig", str(kubeconfig), "--format", "json"
    )
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["drifted"] is True
    assert {(o["kind"], o["ident"]) for o in report["objects"]} == {
        ("differs", "NetworkPolicy/ai-data/allow-dns"),
        ("extra", "NetworkPolicy/gateway/allow-all-egress"),
    }
    changes = {(c["change"], c["from"], c["to"], c["ports"]) for c in report["connectivity"]}
    assert ("added", "ai-data/minio-0", "kube-system/coredns-0", "53") in changes
    counts = {c["namespace"]: (c["live"], c["expected"]) for c in report["namespaces"]}
    assert counts["gateway"] == (4, 3)


def test_policies_outside_scope_are_not_drift(
    live: FakeCluster, connection: Connection, source: Path
) -> None:
    applied(connection, source)
    live.add(policy("kube-system", "team-policy", {"podSelector": {}}))
    result = verify(from_folder(str(source)), take(connection, SnapshotOptions()))
    assert not result.drifted
