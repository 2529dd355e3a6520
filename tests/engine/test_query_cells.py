"""Answers on classes (``Engine.query_cells``) stand for exactly the pod-level matrices."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netfence.engine import Engine, EngineOptions
from netfence.engine.analysis import analyze
from netfence.model import Cluster
from netfence.report.matrix_layout import _axis_groups, _block_sums, namespace_totals
from tests.engine.strategies import QUERIES, clusters, tiered_clusters
from tests.engine.test_addresses import PARTIAL_POD_CIDRS, addressed_clusters, net

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def same_cells(model: Cluster, cidrs: tuple[str, ...], reading: str, keep: int) -> None:
    """The expanded cells are the engine's pod-level matrices, and namespace totals counted
    on classes are the totals of those matrices, with and without a source filter."""
    options = EngineOptions(ipblock_pods=reading, pod_cidrs=tuple(net(c) for c in cidrs))  # type: ignore[arg-type]
    engine = Engine(model, options)
    chosen = {e.id for e in engine.endpoints[::keep]}
    for sources in (None, lambda e: e.id in chosen):
        analysis = analyze(engine, QUERIES, sources)  # type: ignore[arg-type]
        rows, columns = analysis.queries[0].nodes  # type: ignore[misc]
        pick = np.ix_(rows, columns)
        for result in analysis.queries:
            matrix = engine.matrix(result.port, result.protocol)
            decided = engine.reading_decided(result.port, result.protocol)[pick]
            assert analysis.reading_mattered == any(
                engine.reading_decided(q.port, q.protocol)[pick].any() for q in analysis.queries
            )
            totals = namespace_totals(analysis, result)
            assert (result.allowed == matrix.allowed[pick]).all()
            assert (result.reading_decided == decided).all()
            if matrix.tiers is not None:
                assert result.tiers is not None and (result.tiers == matrix.tiers[pick]).all()
            if matrix.depends is not None:
                assert result.depends is not None and (result.depends == matrix.depends[pick]).all()
            row_groups = sorted(_axis_groups(analysis.sources, analysis.source_externals).items())
            column_groups = sorted(
                _axis_groups(analysis.targets, analysis.target_externals).items()
            )
            dense = _block_sums(
                matrix.allowed[pick], [i for _, i in row_groups], [j for _, j in column_groups]
            )
            expected = [
                dense[r][c]
                for r, (a, _) in enumerate(row_groups)
                for c, (b, _) in enumerate(column_groups)
                if not (a.startswith("ext:") and b.startswith("ext:"))
            ]
            assert [t.allowed for t in totals] == expected


@SETTINGS
@given(clusters(), st.sampled_from(("match", "ignore")), st.integers(1, 3))
def test_class_cells_are_the_pod_matrices(model: Cluster, reading: str, keep: int) -> None:
    same_cells(model, ("10.244.0.0/16",), reading, keep)


@SETTINGS
@given(tiered_clusters(), st.integers(1, 3))
def test_tiered_class_cells_are_the_pod_matrices(model: Cluster, keep: int) -> None:
    same_cells(model, ("10.244.0.0/16",), "match", keep)


@SETTINGS
@given(addressed_clusters(clusters()), PARTIAL_POD_CIDRS, st.integers(1, 3))
def test_placed_class_cells_are_the_pod_matrices(
    model: Cluster, cidrs: tuple[str, ...], keep: int
) -> None:
    same_cells(model, cidrs, "match", keep)
