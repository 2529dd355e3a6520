"""Fixes that respect the risk they report: closing what the finding says must stay
unreachable, in the input's own terms, and never opening it."""

from __future__ import annotations

import yaml
from typer.testing import CliRunner

from netfence.cli.app import app
from netfence.lint import Finding
from tests.lint.scenarios import BASE, RULES_DIR, STACK, Scenario


def _finding(rule: str, variant: str, obj: str) -> Finding:
    findings = Scenario(RULES_DIR / rule / variant).run().findings
    return next(f for f in findings if f.obj == obj)


def test_storage_internet_egress_fix_closes_the_rule_that_opens_it() -> None:
    hint = _finding("egress-to-internet", "bad-storage", "Pod/ai-data/minio-0").hint
    assert "ai-data/open-egress egress[0]" in hint
    assert "0.0.0.0/0" not in hint and "ports:" not in hint


def test_inference_internet_egress_fix_removes_the_public_ipblock() -> None:
    hint = _finding("egress-to-internet", "bad", "Pod/ai-inference/vllm-0").hint
    assert "remove the ipBlock 0.0.0.0/0 from ai-inference/vllm egress[1]" in hint
    assert "instead" not in hint  # nothing replaces it for inference


def test_metadata_fix_adds_the_address_to_the_admitting_ipblock() -> None:
    hint = _finding("metadata-endpoint-reachable", "bad", "Pod/ai-agents/ai-agent-0").hint
    snippet = hint.split("except the address:\n", 1)[1]
    assert "169.254.169.254/32" in snippet and "10.0.0.0/8" in snippet  # its own excepts kept


def test_metadata_fix_isolates_an_unisolated_endpoint() -> None:
    hint = _finding("metadata-endpoint-reachable", "bad", "Pod/kube-system/coredns-0").hint
    assert "policyTypes: [Egress]" in hint and "egress:" not in hint


def test_storage_ingress_fix_admits_only_the_clients_the_input_names() -> None:
    hint = _finding("ingress-from-everywhere", "bad-storage", "Pod/ai-data/minio-0").hint
    assert "ai-data/minio ingress[1]" in hint
    assert "kubernetes.io/metadata.name: ai-inference" in hint and "app: vllm" in hint
    assert "port: 443" in hint and "gateway" not in hint and "8000" not in hint


def _explain(src: str, dst: str, port: str) -> str:
    result = CliRunner().invoke(app, ["explain", str(BASE), str(STACK), src, dst, port])
    return result.output


def test_explain_offers_no_policy_to_the_metadata_service() -> None:
    text = _explain("ai-agents/ai-agent-0", "169.254.169.254", "80")
    assert "BLOCKED" in text and "to allow it, add" not in text
    assert "cloud metadata service" in text


def test_explain_offers_no_internet_egress_for_model_storage() -> None:
    text = _explain("ai-data/minio-0", "8.8.8.8", "443")
    assert "to allow it, add" not in text and "egress-to-internet" in text


def test_explain_still_offers_a_policy_for_an_ordinary_flow() -> None:
    assert "to allow it, add:" in _explain("ai-agents/ai-agent-0", "ai-data/minio-0", "443")


def test_the_client_rule_is_yaml_selecting_the_named_client() -> None:
    hint = _finding("ingress-from-everywhere", "bad-storage", "Pod/ai-data/minio-0").hint
    snippet = hint.split(":\n", 1)[1]
    rule = yaml.safe_load(snippet)
    assert rule["ingress"][0]["from"][0]["podSelector"] == {"matchLabels": {"app": "vllm"}}
