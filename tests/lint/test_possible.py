"""lint on a folder of policies only: findings on the possible pods of its own policies."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli_in_process
from tests.diff.test_possible_sides import pull_request


def test_opened_egress_of_model_storage_is_found(tmp_path: Path) -> None:
    result = run_cli_in_process("lint", str(pull_request(tmp_path)), "--format", "json")
    assert result.returncode == 1, result.stdout + result.stderr
    document = json.loads(result.stdout)
    found = {(f["rule"], f["object"]) for f in document["findings"]}
    assert ("egress-to-internet", "Pod/ai-data/possible:no-labels") in found
    assert ("metadata-endpoint-reachable", "Pod/ai-data/possible:no-labels") in found
    assert any("possible endpoints" in note for note in document["notes"])
    assert any(
        note.startswith("ai-data/possible:no-labels is a pod with no labels in namespace ai-data")
        for note in document["notes"]
    )


def test_nothing_to_lint_is_said_and_fails(tmp_path: Path) -> None:
    (tmp_path / "ns.yaml").write_text("apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n")
    result = run_cli_in_process("lint", str(tmp_path))
    assert result.returncode == 1
    assert "nothing to evaluate" in result.stderr
    assert "0 findings" not in result.stdout
