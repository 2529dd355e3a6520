"""diff on inputs without workloads: both sides on the same possible witnesses."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.conftest import ROOT, run_cli_in_process

MESH = ROOT / "examples/ai-mesh"
OPEN_EGRESS = """---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: open-egress, namespace: ai-data}
spec: {podSelector: {}, policyTypes: [Egress], egress: [{}]}
"""
VLLM_PEER = """    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: ai-inference
      podSelector:
        matchLabels:
          app: vllm
"""


def pull_request(tmp_path: Path, extra: str = OPEN_EGRESS) -> Path:
    """A copy of examples/ai-mesh with ``extra`` added to ai-data's policies."""
    copy = tmp_path / "pr"
    shutil.copytree(MESH, copy)
    with (copy / "ns-ai-data.yaml").open("a") as stream:
        stream.write(extra)
    return copy


def test_opened_egress_of_model_storage_fails_the_gate(tmp_path: Path) -> None:
    result = run_cli_in_process(
        "diff", str(MESH), str(pull_request(tmp_path)), "--fail-on-new-egress"
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "possible endpoints" in result.stdout
    assert "+ ai-data/possible:no-labels -> ext:0.0.0.0/0; ::/0" in result.stdout
    assert "a pod with no labels in namespace ai-data" in result.stdout


def test_json_marks_the_endpoints_possible_with_their_description(tmp_path: Path) -> None:
    result = run_cli_in_process("diff", str(MESH), str(pull_request(tmp_path)), "--format", "json")
    document = json.loads(result.stdout)
    possible = {e["id"]: e for e in document["possible_endpoints"]}
    assert not any(e["observed"] for e in possible.values())
    assert possible["ai-inference/possible:app=vllm"]["description"].startswith(
        "a pod labelled app=vllm in namespace ai-inference"
    )
    assert any(c["from"] == "ai-data/possible:no-labels" for c in document["added"])


def test_widened_selector_is_caught_for_pods_that_are_not_there(tmp_path: Path) -> None:
    """Model storage admitting every pod of every namespace: new only for pods no example
    workload is (pods of namespaces no policy names)."""
    widened = pull_request(tmp_path, "")
    text = (widened / "ns-ai-data.yaml").read_text()
    (widened / "ns-ai-data.yaml").write_text(
        text.replace(VLLM_PEER, "    - namespaceSelector: {}\n", 1)
    )
    result = run_cli_in_process("diff", str(MESH), str(widened), "--fail-on-new-ingress")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "-> ai-data/possible:no-labels" in result.stdout
    assert "likewise in namespace kube-system" in result.stdout


def test_same_policies_in_any_form_diff_to_nothing() -> None:
    for pair in (("builtin:ai-mesh", str(MESH)), (str(MESH), "builtin:ai-mesh")):
        result = run_cli_in_process("diff", *pair, "--fail-on-new-egress")
        assert result.returncode == 0, result.stdout + result.stderr
        assert "0 added, 0 removed" in result.stdout


def test_nothing_to_evaluate_is_said_and_fails(tmp_path: Path) -> None:
    (tmp_path / "ns.yaml").write_text("apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n")
    result = run_cli_in_process("diff", str(tmp_path), str(tmp_path))
    assert result.returncode == 1
    assert "nothing to evaluate" in result.stderr
    assert "0 added" not in result.stdout
