"""Grouped DOT/Mermaid edges stand for exactly the workload edges they replace."""

from __future__ import annotations

from pathlib import Path

import pytest

from netfence.engine import Engine
from netfence.engine.analysis import analyze, served_queries
from netfence.inputs import read_inputs
from netfence.report.matrix_layout import ANYWHERE, edges, grouped_edges, node_groups
from tests.conftest import EXAMPLES


@pytest.mark.parametrize("folder", ["guide-literal"])
def test_expanding_groups_gives_back_every_edge(folder: str) -> None:
    cluster = read_inputs([str(EXAMPLES / folder)]).cluster
    engine = Engine(cluster)
    analysis = analyze(engine, served_queries(cluster.endpoints))
    groups = node_groups(analysis)

    def members(name: str, is_group: bool, other: str) -> set[str]:
        if not is_group:
            return {name}
        chosen = set(groups) if name == ANYWHERE else {n for n, g in groups.items() if g == name}
        return chosen - {other}

    expanded = set()
    for e in grouped_edges(analysis):
        sources = {e.source} if not e.source_is_group else None
        targets = {e.target} if not e.target_is_group else None
        for source in sources or members(e.source, True, e.target):
            for target in targets or members(e.target, True, source):
                if source != target:
                    expanded.add((source, target, e.label))
    assert expanded == {(e.source, e.target, e.label) for e in edges(analysis)}
    assert len(grouped_edges(analysis)) < len(edges(analysis))


def test_every_golden_edge_names_a_drawn_node() -> None:
    dot = (Path(__file__).parent / "golden" / "guide.dot").read_text()
    assert "lhead=cluster_" in dot and "compound=true" in dot
