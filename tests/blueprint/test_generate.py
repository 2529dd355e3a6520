"""Generation: golden files per template, determinism, both sides of every in-cluster flow."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from netfence.blueprint import TEMPLATES, builtin, generate
from netfence.vocabulary import FLOWS_ANNOTATION, MANAGED_BY
from tests.blueprint.helpers import base, parse

GOLDEN = Path(__file__).parent / "golden"


@pytest.mark.parametrize("template", TEMPLATES)
def test_generated_files_match_golden(template: str, update_golden: bool) -> None:
    files = generate(builtin(template)).files()
    folder = GOLDEN / template
    if update_golden:
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.iterdir():
            old.unlink()
        for name, text in files.items():
            (folder / name).write_text(text, encoding="utf-8")
    expected = {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.iterdir())}
    assert files == expected, "rerun with --update-golden and review the diff"


def test_output_is_byte_identical_and_independent_of_declaration_order() -> None:
    data = base()
    data["flows"].append({"from": "model", "to": "internet", "ports": ["443/TCP"]})
    first = generate(parse(data)).files()
    data["flows"].reverse()
    data["namespaces"] = dict(reversed(data["namespaces"].items()))
    assert generate(parse(data)).files() == first
    assert generate(parse(base())).stream() == generate(parse(base())).stream()


def _policy(manifests: list[dict], namespace: str, name: str) -> dict:
    found = [
        m
        for m in manifests
        if m["kind"] == "NetworkPolicy"
        and m["metadata"] == m["metadata"] | {"namespace": namespace, "name": name}
    ]
    assert len(found) == 1, f"{namespace}/{name}"
    return found[0]


def test_in_cluster_flow_has_egress_at_source_and_ingress_at_destination() -> None:
    manifests = generate(parse(base())).manifests()
    egress = _policy(manifests, "web", "front-egress")
    ingress = _policy(manifests, "ml", "model-ingress")
    assert egress["spec"]["egress"] == [
        {
            "to": [
                {
                    "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ml"}},
                    "podSelector": {"matchLabels": {"app": "model"}},
                }
            ],
            "ports": [{"protocol": "TCP", "port": 8000}],
        }
    ]
    assert ingress["spec"]["podSelector"] == {"matchLabels": {"app": "model"}}
    assert ingress["spec"]["ingress"][0]["from"][0]["podSelector"] == {
        "matchLabels": {"app": "front"}
    }
    assert ingress["metadata"]["annotations"][FLOWS_ANNOTATION] == "front-to-model"


def test_external_flow_has_only_the_egress_side_and_keeps_cluster_ranges_out() -> None:
    data = base()
    data["externals"]["internet"]["except"] = []
    data["flows"] = [{"from": "model", "to": "internet", "ports": [443]}]
    manifests = generate(parse(data)).manifests()
    names = {m["metadata"]["name"] for m in manifests if m["kind"] == "NetworkPolicy"}
    assert names == {"deny-all", "allow-dns", "model-egress"}
    block = _policy(manifests, "ml", "model-egress")["spec"]["egress"][0]["to"][0]["ipBlock"]
    assert block == {
        "cidr": "0.0.0.0/0",
        "except": ["10.96.0.0/12", "10.244.0.0/16", "169.254.169.254/32"],
    }


def test_every_namespace_gets_labels_deny_all_and_dns() -> None:
    generated = generate(builtin())
    namespaces = {m["metadata"]["name"]: m["metadata"]["labels"] for m in generated.namespaces}
    assert namespaces["gateway"]["purpose"] == "gateway"
    for name, labels in namespaces.items():
        assert labels["kubernetes.io/metadata.name"] == name
        deny = _policy(generated.manifests(), name, "deny-all")
        assert deny["spec"] == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
        dns = _policy(generated.manifests(), name, "allow-dns")
        ports = dns["spec"]["egress"][0]["ports"]
        assert {(p["protocol"], p["port"]) for p in ports} == {("UDP", 53), ("TCP", 53)}
    for policy in generated.policies:
        assert policy["metadata"]["labels"] == MANAGED_BY
        assert policy["metadata"]["annotations"][FLOWS_ANNOTATION]
    assert all("managed-by" not in str(ns["metadata"]) for ns in generated.namespaces)


def test_node_local_dns_is_allowed_by_address() -> None:
    data = base()
    data["dns"] = {"nodeLocalDNS": "169.254.20.10"}
    dns = _policy(generate(parse(data)).manifests(), "ml", "allow-dns")
    peers = [peer for rule in dns["spec"]["egress"] for peer in rule["to"]]
    assert {"ipBlock": {"cidr": "169.254.20.10/32"}} in peers


def test_files_are_one_per_namespace_plus_labels_and_kustomization() -> None:
    files = generate(builtin()).files()
    assert list(files) == [
        "kustomization.yaml",
        "namespace-labels.yaml",
        "ns-ai-agents.yaml",
        "ns-ai-data.yaml",
        "ns-ai-inference.yaml",
        "ns-gateway.yaml",
    ]
    assert "- ns-ai-agents.yaml" in files["kustomization.yaml"]
    assert "# agent (AI agents) may connect to:" in files["ns-ai-agents.yaml"]


def test_the_output_owns_policies_only() -> None:
    """kubectl delete -k must never delete a namespace: no Namespace is a resource of the
    kustomization or in the stream; the labels file says how to set them."""
    generated = generate(builtin())
    files = generated.files()
    resources = yaml.safe_load(files["kustomization.yaml"])["resources"]
    assert "namespace-labels.yaml" not in resources
    kinds = {d["kind"] for name in resources for d in yaml.safe_load_all(files[name])}
    assert "Namespace" not in kinds
    assert "kind: Namespace" not in generated.stream()
    labels = list(yaml.safe_load_all(files["namespace-labels.yaml"]))
    assert {d["kind"] for d in labels} == {"Namespace"}
    command = (
        "kubectl label namespace gateway netfence.dev/role=gateway purpose=gateway --overwrite"
    )
    assert command in files["namespace-labels.yaml"] and command in generated.stream()
    assert "ingress-nginx" not in files["namespace-labels.yaml"]  # isolate: false


def test_examples_are_current(update_golden: bool) -> None:
    """examples/ai-mesh is the generated set; examples/guide-literal is the guide's."""
    examples = Path(__file__).resolve().parents[2] / "examples"
    files = generate(builtin()).files()
    if update_golden:
        for name, text in files.items():
            (examples / "ai-mesh" / name).write_text(text, encoding="utf-8")
    written = {p.name: p.read_text(encoding="utf-8") for p in (examples / "ai-mesh").iterdir()}
    assert written == files, "rerun with --update-golden and review the diff"
    shared = examples.parents[1] / "shared" / "guide" / "literal"
    if shared.is_dir():
        for path in shared.iterdir():
            assert (examples / "guide-literal" / path.name).read_text() == path.read_text()
