"""Lab test fixtures: skip lab tests without root or tools; no namespace may be left behind."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from netfence.lab import netns
from netfence.lab.names import lab_of_namespace

FIXTURES = Path(__file__).parent / "fixtures"


def _lab_namespaces() -> set[str]:
    return {n for n in netns.list_namespaces() if lab_of_namespace(n) is not None}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    missing = netns.missing_requirements()
    if not missing:
        return
    skip = pytest.mark.skip(reason=f"the lab needs {', '.join(missing)}")
    for item in items:
        if "lab" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def no_leftover_namespaces() -> Iterator[None]:
    """Every namespace the tests create is gone when they end."""
    before = _lab_namespaces()
    yield
    leftover = _lab_namespaces() - before
    assert not leftover, f"lab namespaces left behind: {sorted(leftover)}"


@pytest.fixture
def xyz_dir() -> Path:
    return FIXTURES / "xyz"
