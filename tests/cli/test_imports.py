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


def test_a_command_imports_only_its_own_command_module() -> None:
    script = SCRIPT.replace(
        'print("kubernetes" in sys.modules, "urllib3" in sys.modules, file=sys.stderr)',
        'print(sorted(m for m in sys.modules if m.startswith("netfence.cli.")), file=sys.stderr)',
    )
    args = ["validate", str(EXAMPLES / "guide-literal")]
    result = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=120
    )
    loaded = result.stderr.strip().splitlines()[-1]
    assert "'netfence.cli.validate'" in loaded and "'netfence.cli.lab'" not in loaded, loaded
