"""The one sanitiser, and input strings at every edge where netfence prints them."""

from __future__ import annotations

import json
from pathlib import Path

from rich.table import Table
from typer.testing import CliRunner

from netfence.cli.app import app
from netfence.problems import Problem, Source
from netfence.sanitize import SafeConsole, clean

HOSTILE = "\x1b]0;PWNED\x07\x1b[2J"


def test_controls_and_separators_become_visible() -> None:
    assert clean(HOSTILE) == "\\x1b]0;PWNED\\x07\\x1b[2J"
    assert clean("a\nb\rc\td") == "a\\nb\\rc\\td"
    assert clean("x\x85y\u2028z\u2029\u202e") == "x\\x85y\\u2028z\\u2029\\u202e"
    assert clean("ai-inference/vllm-0 \u00e9\u00a0ok") == "ai-inference/vllm-0 \u00e9\u00a0ok"


def test_a_problem_renders_as_one_visible_line() -> None:
    problem = Problem(Source("a\nb.yaml", 0, 3), f"bad {HOSTILE}", obj=f"Pod/x/{HOSTILE}")
    line = problem.render()
    assert "\n" not in line and "\x1b" not in line and "\x07" not in line


def _evil_pod(tmp_path: Path) -> Path:
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": HOSTILE, "namespace": "a\nforged: line"},
        "spec": {"containers": [{"name": "c", "image": "i"}]},
    }
    path = tmp_path / "evil.json"
    path.write_text(json.dumps(pod))
    return path


def test_validate_and_analyze_print_no_control_characters(tmp_path: Path) -> None:
    path = _evil_pod(tmp_path)
    for command in ("validate", "analyze", "lint"):
        result = CliRunner().invoke(app, [command, str(path)])
        assert result.exit_code == 1
        assert "\x1b" not in result.output and "\x07" not in result.output
        assert not [line for line in result.output.splitlines() if line.startswith("forged")]


def test_markup_in_a_policy_stays_text_in_the_html_report(tmp_path: Path) -> None:
    markup = "</script><img src=x onerror=alert(1)>"
    policy = {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": "p", "namespace": "ns", "annotations": {"note": markup}},
        "spec": {"podSelector": {}, "policyTypes": ["Ingress"]},
    }
    source = tmp_path / "p.json"
    source.write_text(json.dumps(policy))
    out = tmp_path / "r.html"
    result = CliRunner().invoke(app, ["report", str(source), "-o", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text()
    assert "<img" not in page
    assert page.count("</script>") == page.count("<script")
    assert "Content-Security-Policy" in page and "default-src 'none'" in page


def test_the_console_shows_escapes_in_any_renderable() -> None:
    console = SafeConsole(width=80, record=True, force_terminal=False, color_system=None)
    table = Table("name")
    table.add_row(HOSTILE)
    console.print(table)
    console.print(HOSTILE, markup=False)
    text = console.export_text()
    assert "\x1b" not in text
    assert text.count("\\x1b") >= 3


def test_a_hostile_file_name_stays_visible_in_explain_and_lint(tmp_path: Path) -> None:
    guide = Path(__file__).resolve().parents[1] / "examples" / "guide-literal"
    for source in guide.glob("*.yaml"):
        name = source.name.replace("allow-from-gateway", "\x1b[2J\nforged")
        (tmp_path / name).write_text(source.read_text())
    explain = CliRunner().invoke(
        app, ["explain", str(tmp_path), "gateway/gateway-0", "ai-inference/vllm-0", "8000/TCP"]
    )
    lint = CliRunner().invoke(app, ["lint", str(tmp_path), "--fail-on", "never"])
    for result in (explain, lint):
        assert "\\x1b[2J\\nforged" in result.output
        assert "\x1b" not in result.output
        assert not [line for line in result.output.splitlines() if line.startswith("forged")]
