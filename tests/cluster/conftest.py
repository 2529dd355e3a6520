"""Fixtures: a running stand-in API server and a kubeconfig pointing at it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from netfence.cluster.connect import ConnectOptions, Connection, connect
from tests.cluster.fakeapi import FakeApiServer, FakeCluster, running


@pytest.fixture
def server() -> Iterator[FakeApiServer]:
    yield from running()


@pytest.fixture
def fake(server: FakeApiServer) -> FakeCluster:
    return server.cluster


@pytest.fixture
def kubeconfig(server: FakeApiServer, tmp_path: Path) -> Path:
    server.cluster.token = "stand-in-token"
    return server.write_kubeconfig(tmp_path / "kubeconfig", token="stand-in-token")


@pytest.fixture
def connection(kubeconfig: Path) -> Connection:
    return connect(ConnectOptions(kubeconfig=str(kubeconfig), timeout=5))
