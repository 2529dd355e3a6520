"""Options and less common blueprint parts: API-server egress, ingress from outside,
stand-in pods, and all-or-nothing output."""

from __future__ import annotations

from pathlib import Path

import pytest

from netfence.blueprint import builtin, generate, make_plan, synthesize
from netfence.blueprint.output import OutputError, write_folder
from tests.blueprint.helpers import base, parse


def _policies(data: dict) -> dict[str, dict]:
    return {
        f"{m['metadata']['namespace']}/{m['metadata']['name']}": m["spec"]
        for m in generate(parse(data)).policies
    }


def test_api_server_egress_for_named_workloads_is_generated_and_proven() -> None:
    data = base()
    data["options"] = {"apiServer": {"addresses": ["172.18.0.2/32"], "workloads": ["model"]}}
    egress = _policies(data)["ml/model-egress"]["egress"]
    assert egress == [
        {
            "to": [{"ipBlock": {"cidr": "172.18.0.2/32"}}],
            "ports": [{"protocol": "TCP", "port": 443}, {"protocol": "TCP", "port": 6443}],
        }
    ]
    plan = make_plan(parse(data))
    assert plan.holds
    assert plan.proof is not None
    assert {c.intents for c in plan.proof.cells if c.source == "ml/model"} >= {("api-server",)}


def test_ingress_from_an_external_is_only_an_ingress_rule() -> None:
    data = base()
    data["externals"]["clients"] = {"cidrs": ["198.51.100.0/24"]}
    data["flows"].append({"from": "clients", "to": "front", "ports": [8080]})
    policies = _policies(data)
    assert policies["web/front-ingress"]["ingress"] == [
        {
            "from": [{"ipBlock": {"cidr": "198.51.100.0/24"}}],
            "ports": [{"protocol": "TCP", "port": 8080}],
        }
    ]
    assert "clients" not in str(policies["web/front-egress"])
    assert make_plan(parse(data)).holds


def test_metadata_addresses_are_never_reachable_through_an_external() -> None:
    data = base()
    data["externals"]["internet"] = {"cidrs": ["0.0.0.0/0", "::/0"]}
    data["flows"] = [{"from": "model", "to": "internet", "ports": [443]}]
    peers = _policies(data)["ml/model-egress"]["egress"][0]["to"]
    assert "169.254.169.254/32" in peers[0]["ipBlock"]["except"]
    assert peers[1]["ipBlock"]["except"] == ["fd00:ec2::254/128"]
    data["options"] = {"blockMetadata": False, "exceptClusterCIDRs": False}
    peers = _policies(data)["ml/model-egress"]["egress"][0]["to"]
    assert peers == [{"ipBlock": {"cidr": "0.0.0.0/0"}}, {"ipBlock": {"cidr": "::/0"}}]


def test_stand_ins_cover_every_workload_dns_and_a_stranger() -> None:
    manifests = synthesize(builtin())
    pods = {
        f"{m['metadata']['namespace']}/{m['metadata']['name']}": m
        for m in manifests
        if m["kind"] == "Pod"
    }
    assert set(pods) == {
        "ingress-nginx/ingress-controller",
        "gateway/gateway",
        "ai-inference/vllm",
        "ai-data/model-storage",
        "ai-agents/agent",
        "ai-agents/weaviate",
        "kube-system/kube-dns",
        "default/test-pod",
    }
    assert pods["ai-inference/vllm"]["metadata"]["labels"] == {"app": "vllm"}
    ips = [ip["ip"] for pod in pods.values() for ip in pod["status"]["podIPs"]]
    assert len(ips) == len(set(ips)) == 16  # one IPv4 and one IPv6 address each
    assert {m["metadata"]["name"] for m in manifests if m["kind"] == "Namespace"} == {
        "default",
        "ingress-nginx",
        "kube-system",
    }


def test_the_stranger_moves_when_default_is_managed() -> None:
    data = base()
    data["namespaces"]["default"] = {"role": "custom"}
    names = {m["metadata"]["namespace"] for m in synthesize(parse(data)) if m["kind"] == "Pod"}
    assert "netfence-outsider" in names
    assert make_plan(parse(data)).holds


def test_a_failed_write_keeps_the_previous_output(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    write_folder(generate(builtin()).files(), str(folder))
    before = {p.name: p.read_text() for p in folder.iterdir()}
    with pytest.raises(OutputError):
        write_folder({"kustomization.yaml": "x", "missing/dir.yaml": "x"}, str(folder))
    assert {p.name: p.read_text() for p in folder.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
