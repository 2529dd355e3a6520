"""Scenarios transcribed from cilium-cli's connectivity tests (tests/fixtures/cilium), with the
answers Cilium's documentation gives: ``analyze --format json`` and the per-pair spec agree
with each of them, and with each other on every pair."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from netfence.engine import Engine
from netfence.model import PROTOCOLS
from tests.cilium.helpers import BASE, FIXTURES, allowed, analyze_json, cell, scenario_cluster

SCENARIOS = sorted(p for p in FIXTURES.iterdir() if p.is_dir() and p != BASE)


def _expected(scenario: Path) -> list[tuple[str, str, str, bool]]:
    data = yaml.safe_load((scenario / "expected.yaml").read_text())
    return [tuple(row) for row in data["cells"]]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: p.name)
def test_analyze_json_gives_the_documented_answers(scenario: Path) -> None:
    engine = Engine(scenario_cluster(scenario))
    by_query: dict[str, list[tuple[str, str, bool]]] = {}
    for src, dst, port, want in _expected(scenario):
        ids = [node.id for node in (engine.find(src), engine.find(dst)) if node is not None]
        assert len(ids) == 2, (src, dst)
        by_query.setdefault(port, []).append((ids[0], ids[1], want))
    for port, cells in by_query.items():
        number, _, protocol = port.partition("/")
        analysis = analyze_json(str(BASE), str(scenario), port=number, protocol=protocol)
        for src, dst, want in cells:
            assert cell(analysis, src, dst) is want, (port, src, dst)
            assert allowed(engine, src, dst, port) is want, (port, src, dst)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: p.name)
def test_matrices_agree_with_the_per_pair_spec(scenario: Path) -> None:
    engine = Engine(scenario_cluster(scenario))
    nodes = [*engine.endpoints, *engine.externals]
    for port in (53, 80, 443, 4000, 8080):
        for protocol in PROTOCOLS:
            matrix = engine.matrix(port, protocol)
            spec = np.array(
                [[engine.verdict(a, b, port, protocol).allowed for b in nodes] for a in nodes]
            )
            assert (matrix.allowed == spec).all(), (port, protocol)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: p.name)
def test_exact_ports_agree_with_the_verdicts(scenario: Path) -> None:
    engine = Engine(scenario_cluster(scenario))
    endpoints = engine.endpoints
    for src in endpoints[:4]:
        for dst in (*endpoints, *engine.externals):
            ports = engine.connections(src, dst)
            for port in (53, 443, 4000, 8080):
                for protocol in PROTOCOLS:
                    verdict = engine.verdict(src, dst, port, protocol).allowed
                    assert (port in ports[protocol]) is verdict, (src.id, dst.id, port, protocol)
