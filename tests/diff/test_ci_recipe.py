"""The CI recipe and the pre-commit hooks name commands and options that exist."""

from __future__ import annotations

import re
import shlex

import yaml
from typer.testing import CliRunner

from netfence.cli.app import app
from tests.conftest import ROOT


def netfence_commands(script: str) -> list[list[str]]:
    """Every ``netfence ...`` command line in a shell script (redirections dropped)."""
    joined = script.replace("\\\n", " ")
    commands = []
    for line in joined.splitlines():
        words = shlex.split(line.split(">")[0].strip(), comments=True) if line.strip() else []
        if words[:1] == ["netfence"]:
            commands.append(words[1:])
    return commands


def assert_options_exist(args: list[str]) -> None:
    help_text = CliRunner().invoke(app, [args[0], "--help"], env={"COLUMNS": "300"})
    assert help_text.exit_code == 0, args
    for word in args[1:]:
        if word.startswith("--"):
            assert word in help_text.stdout, f"netfence {args[0]} has no {word}"


def test_workflow_in_docs_is_valid_and_uses_real_options() -> None:
    text = (ROOT / "docs" / "ci.md").read_text()
    workflow = yaml.safe_load(re.search(r"```yaml\n(name: netfence.*?)```", text, re.S).group(1))
    steps = workflow["jobs"]["netfence"]["steps"]
    uses = [s.get("uses", "") for s in steps]
    assert "github/codeql-action/upload-sarif@v3" in uses
    scripts = "\n".join(s["run"] for s in steps if "run" in s)
    commands = netfence_commands(scripts)
    assert ["lint", "k8s/", "--format", "sarif", "--fail-on", "never"] in commands
    assert any(c[0] == "diff" and "md" in c for c in commands)
    for command in commands:
        assert_options_exist(command)


def test_pre_commit_hooks_run_real_commands() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert {h["id"] for h in hooks} == {"netfence-validate", "netfence-lint"}
    for hook in hooks:
        program, command = hook["entry"].split()
        assert program == "netfence" and hook["language"] == "python"
        assert_options_exist([command])
        re.compile(hook["files"])
