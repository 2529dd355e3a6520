"""The lab's measured matrix of the guide's manifests as JSON, against a reviewed golden file
(``pytest --update-golden`` rewrites it; the lab's random id is normalised)."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ROOT, Golden, run_cli_in_process

pytestmark = pytest.mark.lab


def test_lab_probe_json(golden: Golden, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    args = ("lab", "probe", "examples/guide-literal", "--port", "8000", "--format", "json")
    result = run_cli_in_process(*args)
    assert result.returncode == 0, result.stderr
    golden.check("guide-probe.json", re.sub(r'"lab": "[^"]+"', '"lab": "LAB"', result.stdout))
