"""Fixtures: a running stand-in API server and a kubeconfig pointing at it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from netfence.cluster.connect import Connection, ConnectOptions, connect
from tests.cluster.fakeapi import FakeApiServer, FakeCluster, running
from tests.cluster.objects import mesh_manifests, mesh_workloads


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


@pytest.fixture
def source(tmp_path: Path) -> Path:
    """A folder holding the mesh's manifests (the desired state)."""
    folder = tmp_path / "policies"
    folder.mkdir()
    (folder / "all.yaml").write_text(yaml.safe_dump_all(mesh_manifests()))
    return folder


@pytest.fixture
def live(fake: FakeCluster) -> FakeCluster:
    """The stand-in cluster holding the mesh's workloads and no policies."""
    for obj in mesh_workloads():
        fake.add(obj)
    return fake
