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
