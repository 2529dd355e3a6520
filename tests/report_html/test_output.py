"""``report -o``: '-' is stdout; devices, FIFOs and symlinks are written through."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from typer.testing import CliRunner

from netfence.cli.app import app


def _report(output: str, cwd: Path) -> str:
    previous = os.getcwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(app, ["report", "builtin:ai-mesh", "-o", output])
    finally:
        os.chdir(previous)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_dash_writes_the_page_to_stdout(tmp_path: Path) -> None:
    assert _report("-", tmp_path).startswith("<!DOCTYPE html>")
    assert list(tmp_path.iterdir()) == []


def test_a_device_stays_a_device(tmp_path: Path) -> None:
    _report("/dev/null", tmp_path)
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_symlink_stays_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "real.html"
    real.write_text("old")
    (tmp_path / "link.html").symlink_to(real)
    _report("link.html", tmp_path)
    assert (tmp_path / "link.html").is_symlink()
    assert real.read_text().startswith("<!DOCTYPE html>")
