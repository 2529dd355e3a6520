"""Differential test against network-config-analyzer: identical connectivity, exact port sets.

nca never matches ipBlocks to pod IPs, so netfence runs with ``ipblock_pods="ignore"``; the
generated clusters avoid nca's other known deviations (see /work/shared/notes/peer-nca.md).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from netfence.engine import Engine, EngineOptions
from netfence.inputs import read_inputs
from netfence.model import Cluster
from tests.engine.manifests import cluster_manifests, manifests_text
from tests.engine.nca import PeerResult, nca_path, run_nca
from tests.engine.strategies import clusters

NCA = nca_path()
pytestmark = [
    pytest.mark.peer,
    pytest.mark.skipif(
        NCA is None,
        reason="network-config-analyzer not installed ($NETFENCE_NCA or "
        "~/.cache/netfence/nca-venv/bin/nca; scripts/test.sh creates it)",
    ),
]


def assert_same_connectivity(engine: Engine, peer: PeerResult) -> None:
    """Every ordered pair of distinct pods, and every pod with every IPv4 external range."""
    differences = []
    for src in engine.endpoints:
        for dst in engine.endpoints:
            if src.id != dst.id and engine.connections(src, dst) != peer.between(src.id, dst.id):
                differences.append((src.id, dst.id))
        for external in engine.externals:
            if external.version != 4:
                continue
            address = external.representative
            if engine.connections(src, external) != peer.with_address(src.id, address, True):
                differences.append((src.id, external.id))
            if engine.connections(external, src) != peer.with_address(src.id, address, False):
                differences.append((external.id, src.id))
    assert not differences, f"netfence and nca differ on {differences}"


def test_guide_manifests_agree_with_nca(guide_dir: Path) -> None:
    assert NCA is not None
    inputs = read_inputs([str(guide_dir)])
    engine = Engine(inputs.cluster, EngineOptions(ipblock_pods="ignore"))
    assert_same_connectivity(engine, run_nca(NCA, guide_dir))


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(cluster=clusters(peer_safe=True))
def test_generated_clusters_agree_with_nca(
    cluster: Cluster, tmp_path_factory: pytest.TempPathFactory
) -> None:
    assert NCA is not None
    directory = tmp_path_factory.mktemp("nca")
    (directory / "cluster.yaml").write_text(manifests_text(cluster_manifests(cluster)))
    inputs = read_inputs([str(directory)])
    assert not inputs.errors, [p.render() for p in inputs.errors]
    engine = Engine(inputs.cluster, EngineOptions(ipblock_pods="ignore"))
    assert_same_connectivity(engine, run_nca(NCA, directory))
