"""Offline commands never import the kubernetes client (it costs seconds at start-up)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import EXAMPLES

SCRIPT = """
import sys
from netfence.cli.app import main
sys.argv = ["netfence", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
print("kubernetes" in sys.modules, "urllib3" in sys.modules, file=sys.stderr)
"""


@pytest.mark.parametrize(
    "args",
    [
        ["analyze", str(EXAMPLES / "guide-literal"), "-f", "json"],
        ["lint", str(EXAMPLES / "guide-literal")],
        ["validate", str(EXAMPLES / "guide-literal")],
        ["plan", "-o", "-"],
    ],
    ids=lambda a: a[0],
)
def test_offline_commands_do_not_import_the_kubernetes_client(args: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, *args], capture_output=True, text=True, timeout=120
    )
    assert result.stderr.strip().splitlines()[-1] == "False False", result.stderr
