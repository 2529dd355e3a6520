"""``-n`` has one meaning in every command: work in these namespaces only (kubectl's -n)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli_in_process

POLICY = """apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all}
spec: {podSelector: {}, policyTypes: [Ingress]}
"""


def test_analyze_keeps_only_the_namespaces_given(guide_dir: Path) -> None:
    result = run_cli_in_process(
        "analyze", str(guide_dir), "-n", "ai-data", "-n", "ai-inference", "--format", "json"
    )
    assert result.returncode == 0, result.stderr
    namespaces = {e["namespace"] for e in json.loads(result.stdout)["endpoints"]}
    assert namespaces == {"ai-data", "ai-inference"}


def test_objects_without_a_namespace_are_in_the_first_one(tmp_path: Path) -> None:
    elsewhere = POLICY.replace("{name: deny-all}", "{name: other-deny, namespace: elsewhere}")
    (tmp_path / "p.yaml").write_text(POLICY + "---\n" + elsewhere)
    every = run_cli_in_process("validate", str(tmp_path), "--format", "json")
    assert json.loads(every.stdout)["documents"] == 2
    result = run_cli_in_process("analyze", str(tmp_path), "-n", "ai-data", "--format", "json")
    assert result.returncode == 0, result.stderr
    witnesses = json.loads(result.stdout)["endpoints"]  # no workloads: possible pods of ai-data
    assert witnesses
    assert {(e["namespace"], e["observed"]) for e in witnesses} == {("ai-data", False)}
    one = run_cli_in_process("validate", str(tmp_path), "-n", "ai-data", "--format", "json")
    assert json.loads(one.stdout)["documents"] == 1
