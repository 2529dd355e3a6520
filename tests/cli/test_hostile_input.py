"""Reproductions of the adversarial campaign (issue 20) at the command line: one clear line,
the documented exit code, never "unexpected error"."""

from __future__ import annotations

from pathlib import Path

import yaml
from typer.testing import CliRunner

from netfence.blueprint import template_text
from netfence.cli.app import app
from tests.cli.test_robustness import GUIDE, assert_one_line

BIG = "9" * 4301


def test_explain_with_a_300_digit_port_is_one_line() -> None:
    result = CliRunner().invoke(
        app, ["explain", GUIDE, "ai-inference/vllm-0", "ai-data/minio-0", "9" * 300 + "/TCP"]
    )
    line = assert_one_line(result, result.exit_code)
    assert result.exit_code in (1, 2) and "unexpected error" not in line


def test_a_4301_digit_integer_in_a_blueprint_names_file_line_and_field(tmp_path: Path) -> None:
    data = yaml.safe_load(template_text("ai-mesh"))
    path = tmp_path / "bp.yaml"
    path.write_text(yaml.safe_dump(data).replace("8000", BIG, 1))
    result = CliRunner().invoke(app, ["plan", str(path), "-o", "-"])
    line = assert_one_line(result, 1, str(path), "flows[2].ports[0]", "is not a port")
    assert ":" in line.split(str(path), 1)[1][:8]  # file:line


def test_a_4301_digit_integer_in_a_manifest_names_file_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "pod.json"
    path.write_text(
        f'{{"apiVersion": "v1", "kind": "Pod", "metadata": {{"name": "p"}}, "x": {BIG}}}'
    )
    for command in ("validate", "analyze", "lint", "report"):
        result = CliRunner().invoke(
            app,
            [command, str(path), "-o", str(tmp_path / "r.html")]
            if command == "report"
            else [command, str(path)],
        )
        assert_one_line(result, 1, f"{path}:1: x: integer of 4301 digits is too long")
