"""The audit cases (see ``audit_cases.py``) through ``netfence analyze DIR --format json``."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.engine.audit_cases import Case, differences, load_cases, measured

RUNS = [
    pytest.param(case, cluster, id=f"{case.name}-{cluster}")
    for case in load_cases()
    for cluster in case.clusters
]


def test_cases_cover_every_fixture_folder() -> None:
    assert len(load_cases()) >= 25


@pytest.mark.parametrize(("case", "cluster"), RUNS)
def test_analyze_matches_hand_written_expectation(case: Case, cluster: str, tmp_path: Path) -> None:
    directory = case.directory(cluster, tmp_path / case.name)
    wrong = []
    for query in case.queries:
        got = measured("analyze", directory, query)
        label = f"{query.port}/{query.protocol} ipblock-pods={query.reading}"
        wrong += [f"{label}: {line}" for line in differences(query.expected, got)]
    assert not wrong, "\n".join(wrong)
