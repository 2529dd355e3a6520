"""Every label analyze prints is accepted by explain: ``E<k>``, external ids and names."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from netfence.cli.app import app
from tests.conftest import EXAMPLES

GUIDE = str(EXAMPLES / "guide-literal")


def _run(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_explain_takes_the_external_labels_analyze_prints() -> None:
    externals = json.loads(_run("analyze", GUIDE, "--port", "443", "-f", "json"))["externals"]
    text = _run("analyze", GUIDE, "--port", "443")
    agent = "ai-agents/ai-agent-0"
    for number, external in enumerate(externals, start=1):
        assert f"E{number}" in text
        by_id = _run("explain", GUIDE, agent, external["id"], "443")
        assert _run("explain", GUIDE, agent, f"E{number}", "443") == by_id
        assert _run("explain", GUIDE, agent, external["name"], "443") == by_id


def test_an_external_number_out_of_range_is_unknown() -> None:
    result = CliRunner().invoke(app, ["explain", GUIDE, "ai-agents/ai-agent-0", "E99", "443"])
    assert result.exit_code == 1 and "unknown endpoint 'E99'" in result.stderr
