"""The proof: exact agreement with the blueprint, and the cells it reports when broken."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from netfence.blueprint import builtin, make_plan, prove
from netfence.blueprint.plan import apply_generated, synthesized_cluster
from netfence.inputs import read_inputs
from netfence.model import NetworkPolicy, Rule
from netfence.model.build import selector
from tests.blueprint.helpers import base, parse

DNS = "kube-system/kube-dns"
# What the built-in ai-mesh must allow, written out independently of the generator.
AI_MESH = {
    ("ingress-nginx/ingress-controller", "gateway/gateway", "TCP", "8080"),
    ("gateway/gateway", "ai-inference/vllm", "TCP", "8000"),
    ("ai-inference/vllm", "ai-data/model-storage", "TCP", "443"),
    ("ai-agents/agent", "ai-agents/weaviate", "TCP", "8080"),
    *{
        (f"{ns}/{pod}", DNS, proto, "53")
        for ns, pod in [
            ("gateway", "gateway"),
            ("ai-inference", "vllm"),
            ("ai-data", "model-storage"),
            ("ai-agents", "agent"),
            ("ai-agents", "weaviate"),
        ]
        for proto in ("UDP", "TCP")
    },
}


def _allowed(proof_cells: tuple) -> set[tuple[str, str, str, str]]:
    return {
        (c.source, c.target, c.protocol, str(c.allowed))
        for c in proof_cells
        if not c.allowed.is_empty
    }


def test_ai_mesh_allows_exactly_its_flows_and_dns() -> None:
    plan = make_plan(builtin())
    assert plan.holds and plan.proof is not None
    cells = _allowed(plan.proof.cells)
    internet = {c for c in cells if c[1].startswith("ext:")}
    clients = {c for c in cells if c[0].startswith("ext:")}
    assert cells - internet - clients == AI_MESH
    assert {(c[0], c[2], c[3]) for c in internet} == {("ai-agents/agent", "TCP", "443")}
    ranges = [c[1] for c in internet]
    assert len(ranges) == 2  # the public IPv4 and IPv6 internet
    assert {(c[1], c[2], c[3]) for c in clients} == {("gateway/gateway", "TCP", "8080")}
    assert all(set(c.readings) == {"match", "ignore"} for c in plan.proof.cells)
    assert plan.proof.pairs > 60


def test_guide_template_fails_where_its_ipblock_reaches_pods() -> None:
    plan = make_plan(builtin("guide"))
    assert plan.proof is not None and not plan.holds
    offending = {
        (c.source, c.target, c.protocol, str(c.extra), c.readings) for c in plan.proof.offending
    }
    assert offending == {
        ("ai-agents/agent", "default/test-pod", "TCP", "443", ("match",)),
        ("ai-agents/agent", DNS, "TCP", "443", ("match",)),
    }


def test_a_missing_ingress_side_is_reported_as_blocked() -> None:
    plan = make_plan(builtin())
    cluster = dataclasses.replace(
        plan.cluster,
        policies=tuple(p for p in plan.cluster.policies if p.name != "weaviate-ingress"),
    )
    proof = prove(cluster, builtin())
    assert [(c.source, c.target, str(c.missing)) for c in proof.offending] == [
        ("ai-agents/agent", "ai-agents/weaviate", "8080")
    ]


def test_an_extra_policy_is_reported_as_not_intended() -> None:
    plan = make_plan(builtin())
    open_vllm = NetworkPolicy(
        namespace="ai-inference",
        name="open",
        pod_selector=selector({"matchLabels": {"app": "vllm"}}),
        policy_types=frozenset({"ingress"}),
        ingress=(Rule(),),
    )
    cluster = dataclasses.replace(plan.cluster, policies=(*plan.cluster.policies, open_vllm))
    offending = {
        (c.source, c.protocol): str(c.extra)
        for c in prove(cluster, builtin()).offending
        if c.target == "ai-inference/vllm"
    }
    assert offending[("default/test-pod", "UDP")] == "all"
    assert offending[(DNS, "TCP")] == "all"
    assert ("gateway/gateway", "TCP") not in offending  # its own egress still limits it to 8000
    assert ("ai-agents/agent", "TCP") not in offending


def test_without_default_deny_the_proof_shows_what_stays_open() -> None:
    data = base()
    data["options"] = {"defaultDeny": False}
    plan = make_plan(parse(data))
    assert not plan.holds and plan.proof is not None
    assert any(c.source == "default/test-pod" for c in plan.proof.offending)


def test_proof_on_the_guides_own_cluster(guide_dir: Path) -> None:
    cluster = read_inputs([str(guide_dir / "00-cluster.yaml")]).cluster
    plan = make_plan(builtin(), cluster)
    assert plan.holds, [c for c in plan.proof.offending] if plan.proof else plan.problems
    assert not plan.synthesized
    assert plan.notes == (
        "external tool-apis is reached by its CIDRs; its names (api.openai.com, "
        "api.anthropic.com, *.githubusercontent.com) need --dialect cilium",
        "workload ingress-controller matches no pod in the given manifests: not checked",
    )
    assert ("ai-inference/vllm-0", "ai-data/minio-0", "TCP", "443") in _allowed(plan.proof.cells)


def test_the_guides_leftover_policies_break_the_proof(guide_dir: Path) -> None:
    cluster = read_inputs([str(guide_dir)]).cluster
    plan = make_plan(builtin(), cluster)
    assert "existing NetworkPolicy ai-inference/deny-all is replaced by the generated one" in (
        plan.notes
    )
    assert plan.proof is not None and not plan.holds
    without_gateway = dataclasses.replace(
        cluster, endpoints=tuple(e for e in cluster.endpoints if e.namespace != "gateway")
    )
    assert make_plan(builtin(), without_gateway).notes[-1] == (
        "workload gateway matches no pod in the given manifests: not checked"
    )
    offending = {(c.source, c.target, str(c.extra), c.readings) for c in plan.proof.offending}
    leftover = "ext:10.0.0.0/8-except-10.0.0.0/28,10.96.0.0/12,10.244.0.0/16"
    assert ("ai-agents/ai-agent-0", leftover, "443", ("match", "ignore")) in offending
    assert ("ai-agents/ai-agent-0", "default/test-pod", "443", ("match",)) in offending


def test_a_gateway_no_client_reaches_fails_the_proof() -> None:
    """The blueprint admits the gateway's clients, but on these pods none exists: the front
    door is closed, and the proof says so however exactly the rest matches."""
    data = base()
    data["namespaces"]["web"]["role"] = "gateway"
    data["namespaces"]["edge"] = {"role": "ingress-controller", "isolate": False}
    data["workloads"]["proxy"] = {"namespace": "edge", "selector": {"app": "proxy"}}
    data["flows"].append({"from": "proxy", "to": "front", "ports": [8080]})
    bp = parse(data)
    assert make_plan(bp).holds
    world = synthesized_cluster(bp)
    no_proxy = dataclasses.replace(
        world, endpoints=tuple(e for e in world.endpoints if e.namespace != "edge")
    )
    plan = make_plan(bp, no_proxy)
    assert plan.proof is not None and not plan.proof.offending and not plan.holds
    assert [str(e) for e in plan.proof.closed_entries] == [
        "entry point front (namespace web, role gateway) admits no client: nothing can reach "
        "the stack's front door (add a flow to it from an ingress controller's workload, in a "
        "namespace with isolate: false, or from an external of client ranges)"
    ]


def test_applying_merges_namespace_labels() -> None:
    world = synthesized_cluster(builtin())
    plan = make_plan(builtin())
    merged, notes = apply_generated(world, plan.cluster)
    assert merged.namespace_labels("gateway")["purpose"] == "gateway"
    assert merged.namespace_labels("kube-system") == {"kubernetes.io/metadata.name": "kube-system"}
    assert notes == []
