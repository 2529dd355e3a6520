"""``netfence diff`` end to end: golden outputs, exit codes, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from netfence.cli.app import app
from tests.conftest import ROOT, Golden, run_cli

FIXTURES = Path(__file__).parent / "fixtures"

OLD, NEW = (str((FIXTURES / side).relative_to(ROOT)) for side in ("old", "new"))


def diff(*args: str) -> tuple[int, str, str]:
    """Run ``netfence diff`` in this process (the subprocess start-up costs seconds)."""
    result = CliRunner().invoke(app, ["diff", *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("fmt, suffix", [("text", "txt"), ("json", "json"), ("md", "md")])
def test_golden(fmt: str, suffix: str, golden: Golden, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, out, err = diff(OLD, NEW, "--format", fmt)
    assert code == 0, err
    golden.check(f"fixtures.{suffix}", out)


def test_json_lists_exact_cidrs_and_port_ranges(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    _, out, _ = diff(OLD, NEW, "--format", "json")
    document = json.loads(out)
    narrowed = [c for c in document["removed"] if c["from"] == "gateway/gateway-0"]
    assert narrowed == [
        {
            "from": "gateway/gateway-0",
            "to": "ai-inference/vllm-0",
            "protocol": "TCP",
            "ports": "8001-8010",
            "port_ranges": [[8001, 8010]],
        }
    ]
    udp = [c for c in document["added"] if c["protocol"] == "UDP"]
    assert ["203.0.113.0/24"] in [c["to_cidrs"] for c in udp]
    assert document["summary"]["added"] == len(document["added"])


def test_fail_on_flags_set_the_exit_code(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    assert diff(OLD, NEW, "--fail-on-new-egress")[0] == 1
    assert diff(OLD, NEW, "--fail-on-new-ingress")[0] == 1
    # Going back only removes what NEW added: nothing new is allowed, so no failure.
    assert diff(OLD, OLD, "--fail-on-new-egress", "--fail-on-new-ingress")[0] == 0


def test_reverse_diff_swaps_added_and_removed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    forward = json.loads(diff(OLD, NEW, "--format", "json")[1])
    backward = json.loads(
        diff(NEW, OLD, "--format", "json", "--endpoints", "new")[1].replace(NEW, OLD)
    )
    assert forward["added"] == backward["removed"]
    assert forward["removed"] == backward["added"]


def test_usage_errors_are_one_line_from_the_real_command() -> None:
    result = run_cli("diff", OLD)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "OLD and NEW" in result.stderr


def test_input_errors_are_one_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("kind: NetworkPolicy\nmetadata: {name: x}\nspec: [\n")
    code, out, err = diff(str(broken), OLD)
    assert code == 1 and out == "" and "Traceback" not in err
    assert err.strip().startswith(str(broken))
    code, _, err = diff("builtin:no-such-blueprint", OLD)
    assert code == 1 and "Traceback" not in err and err.count("\n") == 1
