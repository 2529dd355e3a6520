"""Fixtures: the real parts on PATH, and one real control plane for the whole session.

Without the parts (no Go on the machine) every test here is skipped with one line saying why;
with ``NETFENCE_REQUIRE_CONTROLPLANE=1`` (set by .ci/run) that skip is a failure instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from netfence.cluster.connect import Connection, ConnectOptions, connect
from tests.controlplane.plane import READER, ControlPlane, missing_binaries

REQUIRE = "NETFENCE_REQUIRE_CONTROLPLANE"


def _parts() -> Path:
    """The folder of built binaries, or skip (fail when required) saying why not."""
    folder = os.environ.get("NETFENCE_K8S_BIN")
    reason = missing_binaries(folder)
    if reason is None and folder:
        return Path(folder)
    message = f"control-plane tests need the real parts: {reason}"
    if os.environ.get(REQUIRE) == "1":
        pytest.fail(f"{REQUIRE}=1 but {message}", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def k8s_bin() -> Path:
    return _parts()


@pytest.fixture
def tools_on_path(k8s_bin: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """helm, kustomize and kubectl first on PATH (for netfence and its subprocesses)."""
    monkeypatch.setenv("PATH", f"{k8s_bin}{os.pathsep}{os.environ.get('PATH', '')}")
    return k8s_bin


@pytest.fixture(scope="session")
def control_plane(k8s_bin: Path) -> Iterator[ControlPlane]:
    plane = ControlPlane(k8s_bin)
    try:
        plane.start()
        yield plane
    finally:
        plane.stop()


@pytest.fixture(scope="session")
def admin(control_plane: ControlPlane) -> Connection:
    return connect(ConnectOptions(kubeconfig=str(control_plane.kubeconfig), timeout=30))


@pytest.fixture(scope="session")
def reader(control_plane: ControlPlane) -> Connection:
    return connect(
        ConnectOptions(kubeconfig=str(control_plane.kubeconfig), context=READER, timeout=30)
    )
