"""Probe test mode: the planner and comparison end to end on the lab's real data plane."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from netfence.cluster.applyplan import model_of
from netfence.cluster.probe import ProbeOptions, compare_results, plan_probes, run_probes
from netfence.engine import Engine
from netfence.lab import netns, state
from netfence.lab.session import Lab
from netfence.lab.up import bring_up
from tests.cluster.lab_transport import LabTransport
from tests.cluster.objects import mesh_manifests, mesh_workloads

pytestmark = [
    pytest.mark.lab,
    pytest.mark.skipif(
        bool(netns.missing_requirements()), reason="the lab needs root, nftables and netns"
    ),
]
FAST = ProbeOptions(timeout=1.0, retries=3, retry_delay=0.5)


@pytest.fixture(scope="module")
def lab() -> Iterator[Lab]:
    running = bring_up(model_of([*mesh_workloads(), *mesh_manifests()], "mesh"))
    try:
        yield running
    finally:
        state.remove(running.lab_id)


def test_predictions_match_real_sockets(lab: Lab) -> None:
    cases = plan_probes(Engine(lab.cluster), FAST).cases
    results = run_probes(cases, LabTransport(lab), FAST)
    outcomes = {(r.case.src.name, r.case.dst.name, r.case.port): r.outcome for r in results}
    assert outcomes[("gateway-0", "vllm-0", 8000)] == "allowed"
    assert outcomes[("gateway-0", "minio-0", 443)] == "blocked"
    assert outcomes[("minio-0", "coredns-0", 53)] == "allowed"
    comparisons = compare_results(results)
    assert sum(len(c.differences) for c in comparisons) == 0
    assert sum(c.agreed for c in comparisons) == len(results)


def test_wrong_predictions_are_caught(lab: Lab) -> None:
    """The engine of the workloads without policies expects everything allowed: the lab says no."""
    unprotected = Engine(model_of(mesh_workloads(), "no policies"))
    once = ProbeOptions(timeout=1.0, retries=0)
    results = run_probes(plan_probes(unprotected, once).cases, LabTransport(lab), once)
    differences = {(d.src, d.dst) for c in compare_results(results) for d in c.differences}
    assert ("gateway/gateway-0", "ai-data/minio-0") in differences
    assert ("ai-inference/vllm-0", "kube-system/coredns-0") not in differences
