"""Fixtures: the real parts on PATH, and one real control plane for the whole session.

Without the parts (no Go on the machine) the ``controlplane`` tests are left out with one
line saying why; with ``NETFENCE_REQUIRE_CONTROLPLANE=1`` (set by .ci/run) they run and fail.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from netfence.cluster.connect import Connection, ConnectOptions, connect
from tests.controlplane.plane import READER, REQUIRE, ControlPlane, missing_binaries, parts_or_skip

_left_out: list[str] = []
_started: list[float] = []


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Leave the control-plane tests out, all at once, when their parts are missing."""
    reason = missing_binaries(os.environ.get("NETFENCE_K8S_BIN"))
    if reason is None or os.environ.get(REQUIRE) == "1":
        return
    left = [item for item in items if item.get_closest_marker("controlplane")]
    if left:
        items[:] = [item for item in items if item not in left]
        config.hook.pytest_deselected(items=left)
        _left_out.append(f"{len(left)} control-plane tests: {reason}")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for line in _left_out:
        terminalreporter.write_line(f"SKIPPED {line}")
    for seconds in _started:
        terminalreporter.write_line(
            f"control plane (etcd + kube-apiserver) ready in {seconds:.1f} s"
        )


@pytest.fixture(scope="session")
def k8s_bin() -> Path:
    return parts_or_skip()


@pytest.fixture(scope="session")
def control_plane(k8s_bin: Path) -> Iterator[ControlPlane]:
    plane = ControlPlane(k8s_bin)
    try:
        plane.start()
        _started.append(plane.startup_seconds)
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
