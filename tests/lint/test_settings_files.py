"""``--roles`` and ``--config`` go through the one guarded read: no device, FIFO or endless
file is read."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import run_cli

GUIDE = Path(__file__).resolve().parents[2] / "examples" / "guide-literal"


@pytest.mark.parametrize("option", ["--roles", "--config"])
def test_a_device_or_fifo_settings_file_is_one_line(option: str, tmp_path: Path) -> None:
    fifo = tmp_path / "roles.yaml"
    os.mkfifo(fifo)
    for path in ("/dev/zero", str(fifo)):
        result = run_cli("lint", str(GUIDE), option, path, timeout=60)
        assert result.returncode == 1
        assert result.stderr.strip().splitlines() == [
            f"{path}: not a regular file (a FIFO, device or socket): pipe it to '-' (stdin)"
        ]
