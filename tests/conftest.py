"""Shared fixtures: the repository root, the guide's manifests, running the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT.parent / "shared" / "guide" / "literal"
EXAMPLES = ROOT / "examples"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", help="rewrite golden files instead of comparing"
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


class Golden:
    """Expected outputs kept beside the tests (``golden/`` next to the test module), compared
    exactly; ``pytest --update-golden`` rewrites them, to be reviewed in the diff."""

    def __init__(self, folder: Path, update: bool) -> None:
        self.folder = folder
        self.update = update

    def check(self, name: str, text: str) -> None:
        path = self.folder / name
        if self.update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        assert path.is_file(), f"no golden file {path}: run pytest --update-golden, review it"
        assert text == path.read_text(), f"{path}: rerun with --update-golden, review the diff"


@pytest.fixture
def golden(request: pytest.FixtureRequest, update_golden: bool) -> Golden:
    """The golden files of the requesting test module's folder."""
    return Golden(Path(str(request.path)).parent / "golden", update_golden)


@pytest.fixture
def guide_dir() -> Path:
    """The guide's literal manifests (examples/guide-literal when shared/ is absent)."""
    if GUIDE.is_dir():
        return GUIDE
    return EXAMPLES / "guide-literal"


def run_cli(
    *args: str, stdin: bytes | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m netfence ARGS`` as a user would, capturing text output."""
    env = dict(os.environ, COLUMNS="200", NO_COLOR="1")
    return subprocess.run(
        [sys.executable, "-m", "netfence", *args],
        input=stdin.decode() if stdin is not None else None,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )


def run_cli_in_process(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    """``netfence ARGS`` through the real entry point (``main``: exit codes, one-line errors)
    in this process, with the streams swapped: what ``run_cli`` checks, without starting an
    interpreter (use ``run_cli`` where a fresh process is what is tested)."""
    from typer.testing import CliRunner

    from netfence.cli.app import main

    runner = CliRunner()
    with (
        runner.isolation(input=stdin, env={"COLUMNS": "200", "NO_COLOR": "1"}) as (out, err, _),
        pytest.MonkeyPatch.context() as patch,
    ):
        patch.setattr(sys, "argv", ["netfence", *args])
        try:
            main()
            code = 0
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else int(exit_.code is not None)
        sys.stdout.flush()
        sys.stderr.flush()
        return subprocess.CompletedProcess(
            list(args), code, out.getvalue().decode(), err.getvalue().decode()
        )


@pytest.fixture
def stand_in_kubeconfig(tmp_path: Path) -> Iterator[Path]:
    """A kubeconfig for the stand-in API server (tests/cluster/fakeapi.py; no real cluster
    exists on these machines) holding the AI mesh's workloads and no policies yet."""
    from tests.cluster.fakeapi import running
    from tests.cluster.objects import mesh_workloads

    for server in running():
        server.cluster.token = "stand-in-token"
        for obj in mesh_workloads():
            server.cluster.add(obj)
        yield server.write_kubeconfig(tmp_path / "kubeconfig", token="stand-in-token")


@pytest.fixture
def nca() -> str:
    """The peer analyzer network-config-analyzer (scripts/test.sh installs it in its own venv)."""
    from tests.engine.nca import nca_path

    path = nca_path()
    if path is None:
        pytest.skip(
            "network-config-analyzer not installed ($NETFENCE_NCA; scripts/test.sh adds it)"
        )
    return path


@pytest.fixture
def k8s_tools_on_path(monkeypatch: pytest.MonkeyPatch) -> Path:
    """The real helm, kustomize and kubectl (NETFENCE_K8S_BIN, built by scripts/k8s-parts.sh)
    first on PATH, for netfence and its subprocesses; skips without them. Mark such tests
    ``controlplane``."""
    from tests.controlplane.plane import parts_or_skip

    folder = parts_or_skip()
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ.get('PATH', '')}")
    return folder
