"""Differential test against network-config-analyzer on random Calico policy sets.

nca reads projectcalico.org/v3 NetworkPolicy and GlobalNetworkPolicy in the default tier;
both tools must agree on the exact allowed ports of every ordered pair of distinct pods.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from netfence.engine import Engine
from netfence.inputs import read_inputs
from tests.calico.generate import cluster
from tests.engine.nca import nca_path, run_nca

NCA = nca_path()
pytestmark = [
    pytest.mark.peer,
    pytest.mark.skipif(NCA is None, reason="network-config-analyzer not installed ($NETFENCE_NCA)"),
]
SEEDS = range(30)


@pytest.mark.parametrize("seed", SEEDS)
def test_random_calico_policies_agree_with_nca(seed: int, tmp_path: Path) -> None:
    assert NCA is not None
    (tmp_path / "cluster.yaml").write_text(yaml.safe_dump_all(cluster(seed), sort_keys=False))
    engine = Engine(read_inputs([str(tmp_path)]).cluster)
    peer = run_nca(NCA, tmp_path)
    differences = [
        (src.id, dst.id, engine.connections(src, dst), peer.between(src.id, dst.id))
        for src in engine.endpoints
        for dst in engine.endpoints
        if src.id != dst.id and engine.connections(src, dst) != peer.between(src.id, dst.id)
    ]
    assert not differences, f"seed {seed}: netfence and nca differ on {differences}"
