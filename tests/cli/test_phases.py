"""``--verbose`` says the time of each phase on stderr; stdout stays the same."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import run_cli_in_process

PHASES = {
    "analyze": ("load", "engine", "render"),
    "validate": ("load", "render"),
    "lint": ("load", "engine", "render"),
}


@pytest.mark.parametrize("command", sorted(PHASES))
def test_verbose_times_each_phase_on_stderr_only(command: str, guide_dir: Path) -> None:
    quiet = run_cli_in_process(command, str(guide_dir))
    verbose = run_cli_in_process(command, str(guide_dir), "--verbose")
    assert verbose.stdout == quiet.stdout
    times = re.findall(r"^time: (\w+) \d+\.\d\d s$", verbose.stderr, re.M)
    assert tuple(times) == PHASES[command], verbose.stderr
    assert "time: " not in quiet.stderr


def test_diff_times_its_phases(guide_dir: Path) -> None:
    result = run_cli_in_process("diff", str(guide_dir), str(guide_dir), "--verbose")
    assert re.findall(r"^time: (\w+) ", result.stderr, re.M) == ["load", "engine", "render"]
