"""A kind name alone does not say which API an object belongs to."""

from __future__ import annotations

from pathlib import Path

from netfence.cluster.desired import from_folder
from netfence.engine import Engine
from netfence.inputs import read_inputs
from netfence.lint.blueprint_input import with_stand_ins
from netfence.load.kinds import api_group, is_kubernetes_policy, is_network_policy
from netfence.report.html_data import policy_records

MIXED = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: kube, namespace: shop}
spec: {podSelector: {}}
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: calico, namespace: shop}
spec: {selector: all(), ingress: [{action: Allow}]}
---
apiVersion: crd.projectcalico.org/v1
kind: GlobalNetworkPolicy
metadata: {name: stored}
spec: {selector: all(), types: [Egress], egress: [{action: Allow}]}
"""


def test_the_api_group_decides() -> None:
    assert api_group("networking.k8s.io/v1") == "networking.k8s.io" and api_group("v1") == ""
    assert is_network_policy("networking.k8s.io/v1", "NetworkPolicy")
    assert not is_network_policy("projectcalico.org/v3", "NetworkPolicy")
    assert not is_network_policy("crd.antrea.io/v1beta1", "NetworkPolicy")
    tiers = ("AdminNetworkPolicy", "ClusterNetworkPolicy")
    assert is_kubernetes_policy("policy.networking.k8s.io/v1alpha2", "ClusterNetworkPolicy", tiers)
    assert not is_kubernetes_policy("crd.antrea.io/v1beta1", "ClusterNetworkPolicy", tiers)
    assert not is_kubernetes_policy(None, "NetworkPolicy", ("NetworkPolicy",))


def test_calico_network_policies_are_never_kubernetes_ones(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text(MIXED)
    inputs = read_inputs([str(tmp_path)])
    assert [p.id for p in inputs.cluster.policies] == ["shop/kube"]
    assert [p.id for p in inputs.cluster.calico.policies] == [
        "NetworkPolicy/shop/calico",
        "GlobalNetworkPolicy/stored",
    ]
    # The Calico policy admits what the Kubernetes one (order 1000, no rules) does not.
    assert Engine(inputs.cluster).cluster.calico.active
    desired = from_folder(str(tmp_path))
    assert [p["metadata"]["name"] for p in desired.policies] == ["kube"]
    records = policy_records(inputs.documents)
    assert [r["id"] for r in records] == [
        "shop/kube",
        "Calico tier default: NetworkPolicy/shop/calico",
        "Calico tier default: GlobalNetworkPolicy/stored",
    ]


def test_calico_policies_are_not_workloads(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text(MIXED)
    documents = read_inputs([str(tmp_path)]).documents
    stand_in = read_inputs(["builtin:ai-mesh"]).documents[-1:]
    assert with_stand_ins(documents, stand_in) == [*documents, *stand_in]
