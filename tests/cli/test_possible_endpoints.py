"""analyze, explain and report on policies only: possible witnesses, said and described."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli_in_process

MESH = str(ROOT / "examples/ai-mesh")


def test_analyze_evaluates_and_describes_possible_endpoints() -> None:
    result = run_cli_in_process("analyze", MESH, "--format", "json")
    assert result.returncode == 0, result.stderr
    endpoints = {e["id"]: e for e in json.loads(result.stdout)["endpoints"]}
    vllm = endpoints["ai-inference/possible:app=vllm"]
    assert vllm["observed"] is False
    assert vllm["description"].startswith("a pod labelled app=vllm in namespace ai-inference")
    assert "possible endpoints" in result.stderr


def test_real_workloads_are_observed(guide_dir: Path) -> None:
    result = run_cli_in_process("analyze", str(guide_dir), "--format", "json")
    endpoints = json.loads(result.stdout)["endpoints"]
    assert endpoints and all(e["observed"] and "description" not in e for e in endpoints)


def test_explain_names_what_a_witness_stands_for() -> None:
    result = run_cli_in_process(
        "explain", MESH, "ai-inference/possible:app=vllm", "ai-data/possible:no-labels", "443"
    )
    assert result.returncode == 0, result.stderr
    assert "ALLOWED" in result.stdout
    assert "note: ai-inference/possible:app=vllm is a pod labelled app=vllm" in result.stderr


@pytest.mark.parametrize(
    "command",
    [
        ("analyze",),
        ("explain", "{dir}", "a/x", "a/y", "80"),
        ("report", "-o", "{dir}/report.html"),
    ],
)
def test_nothing_to_evaluate_is_one_line_and_exit_1(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    (tmp_path / "ns.yaml").write_text("apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n")
    args = [a.format(dir=tmp_path) for a in command]
    if "{dir}" not in command:
        args.insert(1, str(tmp_path))
    result = run_cli_in_process(*args)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        f"netfence: nothing to evaluate: {tmp_path} holds no policies and no workloads"
    )
    assert not (tmp_path / "report.html").exists()


NAMED_PORT_POLICIES = """
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: to-store, namespace: app}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress:
  - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: data}}}]
    ports: [{port: 443}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: store, namespace: data}
spec:
  podSelector: {}
  policyTypes: [Ingress]
  ingress:
  - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: app}}}]
    ports: [{port: PORT}]
"""


def test_a_misspelt_named_port_fails_the_gate_on_policies_only(tmp_path: Path) -> None:
    """A pod may serve ``https`` at 443, the number the other end allows: the typo ``htps``
    refuses it and admits a pod serving ``htps`` at 443, a new ingress the gate fails on."""
    for side, name in (("old", "https"), ("new", "htps")):
        (tmp_path / side).mkdir()
        (tmp_path / side / "policies.yaml").write_text(NAMED_PORT_POLICIES.replace("PORT", name))
    result = run_cli_in_process(
        "diff", str(tmp_path / "old"), str(tmp_path / "new"), "--fail-on-new-ingress"
    )
    assert result.returncode == 1, result.stderr
    lines = {" ".join(line.split()) for line in result.stdout.splitlines()}
    assert "- app/possible:app=web -> data/possible:no-labels+https@443 TCP 443" in lines
    assert "+ app/possible:app=web -> data/possible:no-labels+htps@443 TCP 443" in lines
