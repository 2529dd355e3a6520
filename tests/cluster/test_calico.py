"""Calico's kinds on a (stand-in) cluster: preflight and snapshot, under either API group."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from netfence.cluster import preflight
from netfence.cluster.connect import Connection
from netfence.cluster.snapshot import SnapshotOptions, take
from netfence.inputs import inputs_from_documents
from netfence.load.sources import load_text
from netfence.load.yamlread import Limits
from tests.cluster.fakeapi import FakeCluster
from tests.cluster.objects import namespace, pod


def calico(group: str, kind: str, name: str, spec: dict[str, Any], ns: str = "") -> dict[str, Any]:
    version = "v3" if group == "projectcalico.org" else "v1"
    meta: dict[str, Any] = {"name": name, "uid": f"u-{name}", "resourceVersion": "3"}
    if ns:
        meta["namespace"] = ns
    return {"apiVersion": f"{group}/{version}", "kind": kind, "metadata": meta, "spec": spec}


def test_preflight_names_the_calico_api(connection: Connection, fake: FakeCluster) -> None:
    rows = {c.name: c for c in preflight.evaluate(preflight.gather(connection))}
    assert rows["Calico policy API"].status == "pass"
    assert "not served" in rows["Calico policy API"].detail
    fake.calico_served = "crd.projectcalico.org"
    row = next(
        c for c in preflight.evaluate(preflight.gather(connection)) if c.name == "Calico policy API"
    )
    assert row.status == "warn" and row.detail.startswith("crd.projectcalico.org/v1 serves Tier")
    fake.calico_served = "projectcalico.org"
    row = next(
        c for c in preflight.evaluate(preflight.gather(connection)) if c.name == "Calico policy API"
    )
    assert row.status == "pass" and "projectcalico.org/v3 serves" in row.detail


@pytest.mark.parametrize("group", ["projectcalico.org", "crd.projectcalico.org"])
def test_snapshot_keeps_calico_objects_and_they_decide(
    group: str, connection: Connection, fake: FakeCluster
) -> None:
    fake.calico_served = group
    fake.add(namespace("app"))
    fake.add(namespace("other"))
    fake.add(pod("app", "web-0", "10.0.0.5", {"app": "web"}))
    fake.add(pod("other", "db-0", "10.0.1.5", {"app": "db"}))
    fake.add(calico(group, "Tier", "platform", {"order": 100}))
    deny = {"tier": "platform", "selector": "app == 'db'", "ingress": [{"action": "Deny"}]}
    fake.add(calico(group, "GlobalNetworkPolicy", "platform.deny-db", deny))
    fake.add(calico(group, "NetworkPolicy", "allow", {"selector": "all()"}, ns="other"))
    manifests = take(connection, SnapshotOptions())
    kept = [(m["apiVersion"], m["kind"], m["metadata"]) for m in manifests if "spec" in m]
    assert (
        f"{group}/{'v3' if group == 'projectcalico.org' else 'v1'}",
        "Tier",
        {"name": "platform"},
    ) in kept
    loaded = load_text(yaml.safe_dump_all(manifests), "snap.yaml", "default", Limits())
    inputs = inputs_from_documents(loaded.documents)
    assert not inputs.errors, [p.render() for p in inputs.errors]
    assert [p.id for p in inputs.cluster.calico.policies] == [
        "GlobalNetworkPolicy/platform.deny-db",
        "NetworkPolicy/other/allow",
    ]
    assert not inputs.cluster.policies  # a Calico NetworkPolicy is not a Kubernetes one
    only_app = take(connection, SnapshotOptions(namespaces=("app",)))
    assert [m["metadata"]["name"] for m in only_app if m["kind"] == "NetworkPolicy"] == []


def test_calico_kinds_the_user_may_not_list_are_left_out_with_a_warning(
    connection: Connection, fake: FakeCluster
) -> None:
    fake.calico_served = "projectcalico.org"
    fake.add(calico("projectcalico.org", "Tier", "platform", {"order": 100}))
    fake.deny("list", "globalnetworkpolicies", "projectcalico.org")
    warnings: list[str] = []
    manifests = take(connection, SnapshotOptions(), warn=warnings.append)
    assert [m["kind"] for m in manifests if m["kind"] == "Tier"] == ["Tier"]
    assert warnings == [
        "cannot list Calico GlobalNetworkPolicy objects (forbidden for this user): the snapshot "
        "leaves them out, and verdicts on it do not take them into account"
    ]
