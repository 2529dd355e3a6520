"""The policy-API kinds on a (stand-in) cluster: preflight, snapshot, --cluster reads."""

from __future__ import annotations

from pathlib import Path

import yaml

from netfence.cluster import preflight
from netfence.cluster.apply import apply_plan
from netfence.cluster.applyplan import plan_apply
from netfence.cluster.connect import Connection
from netfence.cluster.desired import from_folder
from netfence.cluster.snapshot import SnapshotOptions, take
from netfence.cluster.tiers import served_kinds
from netfence.inputs import inputs_from_documents
from netfence.load.sources import load_text
from netfence.load.yamlread import Limits
from netfence.vocabulary import MANAGED_BY_LABEL
from tests.cluster.fakeapi import FakeCluster
from tests.cluster.objects import namespace, pod

ANP = {
    "apiVersion": "policy.networking.k8s.io/v1alpha1",
    "kind": "AdminNetworkPolicy",
    "metadata": {"name": "deny-egress", "uid": "u1", "resourceVersion": "7"},
    "spec": {
        "priority": 5,
        "subject": {"namespaces": {"matchLabels": {"kubernetes.io/metadata.name": "app"}}},
        "egress": [
            {"name": "no-nodes", "action": "Deny", "to": [{"nodes": {}}]},
        ],
    },
}
NODE = {
    "apiVersion": "v1",
    "kind": "Node",
    "metadata": {"name": "worker-1", "labels": {"role": "worker"}, "uid": "n1"},
    "status": {"addresses": [{"type": "InternalIP", "address": "172.18.0.2"}], "phase": "x"},
}


def test_preflight_says_whether_the_tier_kinds_are_served(
    connection: Connection, fake: FakeCluster
) -> None:
    rows = {c.name: c for c in preflight.evaluate(preflight.gather(connection))}
    assert rows["Policy tiers API"].status == "warn"
    fake.tiers_served = True
    rows = {c.name: c for c in preflight.evaluate(preflight.gather(connection))}
    assert rows["Policy tiers API"].status == "pass"
    assert (
        "AdminNetworkPolicy (policy.networking.k8s.io/v1alpha1)" in rows["Policy tiers API"].detail
    )
    assert served_kinds(connection)["ClusterNetworkPolicy"] == "v1alpha2"


def test_snapshot_keeps_tier_policies_and_the_nodes_they_can_name(
    connection: Connection, fake: FakeCluster
) -> None:
    fake.tiers_served = True
    fake.add(namespace("app"))
    fake.add(pod("app", "web-0", "10.0.0.5", {"app": "web"}))
    fake.add(ANP)
    fake.add(NODE)
    manifests = take(connection, SnapshotOptions())
    kinds = [m["kind"] for m in manifests]
    assert "AdminNetworkPolicy" in kinds and "Node" in kinds
    anp = next(m for m in manifests if m["kind"] == "AdminNetworkPolicy")
    assert anp["metadata"] == {"name": "deny-egress"}
    assert anp["apiVersion"] == "policy.networking.k8s.io/v1alpha1"
    loaded = load_text(yaml.safe_dump_all(manifests), "snap.yaml", "default", Limits())
    inputs = inputs_from_documents(loaded.documents)
    assert not inputs.errors, [p.render() for p in inputs.errors]
    assert [p.id for p in inputs.cluster.tier_policies] == ["AdminNetworkPolicy/deny-egress"]
    assert inputs.cluster.nodes[0].ips[0].compressed == "172.18.0.2"


def test_without_the_crds_the_snapshot_has_no_nodes_or_tiers(
    connection: Connection, fake: FakeCluster
) -> None:
    fake.add(NODE)
    kinds = {m["kind"] for m in take(connection, SnapshotOptions())}
    assert not kinds & {"Node", "AdminNetworkPolicy"}


BANP = {
    "apiVersion": "policy.networking.k8s.io/v1alpha1",
    "kind": "BaselineAdminNetworkPolicy",
    "metadata": {"name": "default"},
    "spec": {
        "subject": {"namespaces": {}},
        "ingress": [{"name": "deny-all", "action": "Deny", "from": [{"namespaces": {}}]}],
    },
}
CNP_ALLOW = {
    "apiVersion": "policy.networking.k8s.io/v1alpha2",
    "kind": "ClusterNetworkPolicy",
    "metadata": {"name": "always-dns"},
    "spec": {
        "tier": "Admin",
        "priority": 1,
        "subject": {"namespaces": {}},
        "egress": [
            {
                "name": "dns",
                "action": "Accept",
                "to": [{"namespaces": {}}],
                "protocols": [{"udp": {"destinationPort": {"number": 53}}}],
            }
        ],
    },
}


def test_apply_writes_tier_policies_allows_first_and_prunes_them(
    live: FakeCluster, connection: Connection, source: Path
) -> None:
    live.tiers_served = True
    (source / "tiers.yaml").write_text(yaml.safe_dump_all([BANP, CNP_ALLOW]))
    plan = plan_apply(from_folder(str(source)), take(connection, SnapshotOptions()), False)
    tier_steps = [s.ident for s in plan.changes if s.kind != "NetworkPolicy" and s.namespace == ""]
    assert tier_steps[-2:] == [
        "ClusterNetworkPolicy/always-dns",
        "BaselineAdminNetworkPolicy/default",
    ]
    apply_plan(connection, plan)
    written = live.get("BaselineAdminNetworkPolicy", "", "default")
    assert written is not None and written["metadata"]["labels"][MANAGED_BY_LABEL] == "netfence"
    again = plan_apply(from_folder(str(source)), take(connection, SnapshotOptions()), False)
    assert not [
        s for s in again.changes if s.kind in ("ClusterNetworkPolicy", "BaselineAdminNetworkPolicy")
    ]
    (source / "tiers.yaml").write_text(yaml.safe_dump_all([CNP_ALLOW]))
    pruned = plan_apply(from_folder(str(source)), take(connection, SnapshotOptions()), True)
    assert [s.ident for s in pruned.changes if s.action == "prune"] == [
        "BaselineAdminNetworkPolicy/default"
    ]
    apply_plan(connection, pruned)
    assert live.get("BaselineAdminNetworkPolicy", "", "default") is None
