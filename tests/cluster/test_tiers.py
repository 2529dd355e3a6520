"""The policy-API kinds on a (stand-in) cluster: preflight, snapshot, --cluster reads."""

from __future__ import annotations

import yaml

from netfence.cluster import preflight
from netfence.cluster.connect import Connection
from netfence.cluster.snapshot import SnapshotOptions, take
from netfence.cluster.tiers import served_kinds
from netfence.inputs import inputs_from_documents
from netfence.load.sources import load_text
from netfence.load.yamlread import Limits
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
