"""Help pages read like a CLI's help, not like Python types; completion is offered."""

from __future__ import annotations

import re

import click
import pytest
import typer
from typer.testing import CliRunner

from netfence.cli.app import app

ARTEFACTS = re.compile(r"<bool>|<str>|<int>|<list\[|\{\w+\}|\[OLD NEW\]\.\.\.")


def _commands() -> list[list[str]]:
    root = typer.main.get_command(app)
    found: list[list[str]] = []

    def walk(command: click.Command, path: list[str]) -> None:
        found.append(path)
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                walk(sub, [*path, name])

    walk(root, [])
    return found


@pytest.mark.parametrize("path", _commands(), ids=lambda p: " ".join(p) or "netfence")
def test_help_has_no_type_artefacts(path: list[str]) -> None:
    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    assert not ARTEFACTS.findall(result.output), result.output


def test_shell_completion_is_offered() -> None:
    output = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "160"}).output
    assert "--install-completion" in output and "--show-completion" in output
