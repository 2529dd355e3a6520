"""The entry point: version, help, usage errors, and no tracebacks on unexpected errors."""

from __future__ import annotations

import subprocess
import sys

import pytest

from netfence import __version__
from netfence.cli import app as app_module
from tests.conftest import run_cli


def test_version() -> None:
    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"netfence {__version__}"


def test_help_lists_validate_with_examples() -> None:
    result = run_cli("validate", "--help")
    assert result.returncode == 0
    assert "Examples" in result.stdout
    assert "netfence validate" in result.stdout


def test_unknown_command_is_usage_error() -> None:
    result = run_cli("no-such-command")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_no_arguments_shows_help_as_usage_error() -> None:
    result = run_cli()
    assert result.returncode == 2
    assert "Usage" in result.stdout + result.stderr


def test_unexpected_exception_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("something odd")

    monkeypatch.setattr(app_module, "build_app", lambda modules=(): boom)
    monkeypatch.setattr(sys, "argv", ["netfence", "validate", "x"])
    with pytest.raises(SystemExit) as exit_info:
        app_module.main()
    assert exit_info.value.code == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines == ["netfence: unexpected error: RuntimeError: something odd (rerun with --debug)"]


def test_debug_shows_the_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("something odd")

    monkeypatch.setattr(app_module, "build_app", lambda modules=(): boom)
    monkeypatch.setattr(sys, "argv", ["netfence", "--debug", "validate", "x"])
    with pytest.raises(RuntimeError):
        app_module.main()


def test_kubectl_plugin_name() -> None:
    script = (
        "import sys; sys.argv[0] = 'kubectl-netfence'; from netfence.cli.app import main; main()"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert "kubectl netfence" in result.stdout


def test_usage_error_is_one_line() -> None:
    result = run_cli("analyze", "x", "--protocol", "icmp")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "netfence: Invalid value for '--protocol': 'icmp' is not one of 'tcp', 'udp', 'sctp'. "
        "(see 'netfence analyze --help')"
    ]
