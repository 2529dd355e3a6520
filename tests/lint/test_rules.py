"""Each rule on its fixtures: the bad variant reports it at the right object and line, the
good variant adds none of it, and the correct stack has no error at all."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from netfence.inputs import read_inputs
from netfence.lint import RULES, lint_inputs
from tests.lint.scenarios import BASE, RULES_DIR, STACK, Scenario, load_scenarios

SCENARIOS = load_scenarios()


@cache
def _stack_findings() -> set[tuple[str, str]]:
    report = lint_inputs(read_inputs([str(BASE), str(STACK)]))
    return {(f.rule, f.obj) for f in report.findings}


def test_every_rule_has_a_bad_and_a_good_fixture() -> None:
    for rule in RULES:
        variants = {p.name for p in (RULES_DIR / rule.id).iterdir()}
        assert "bad" in variants and "good" in variants, rule.id


def test_correct_stack_has_no_error() -> None:
    report = lint_inputs(read_inputs([str(BASE), str(STACK)]))
    assert [f for f in report.findings if f.severity == "error"] == []


@pytest.mark.parametrize(
    "scenario", [s for s in SCENARIOS if s.triggers], ids=lambda s: f"{s.rule}/{s.folder.name}"
)
def test_bad_variant_reports_rule_at_location(scenario: Scenario) -> None:
    expect = scenario.expect
    assert expect["rule"] == scenario.rule
    found = [
        f for f in scenario.run().findings if f.rule == scenario.rule and f.obj == expect["object"]
    ]
    assert found, f"{scenario.rule} not reported for {expect['object']}"
    where = {(Path(f.source.file).name, f.source.line) for f in found if f.source}
    assert (expect["file"], expect["line"]) in where
    if "severity" in expect:
        assert {f.severity for f in found} == {expect["severity"]}


@pytest.mark.parametrize(
    "scenario",
    [s for s in SCENARIOS if not s.triggers],
    ids=lambda s: f"{s.rule}/{s.folder.name}",
)
def test_good_variant_adds_no_finding_of_its_rule(scenario: Scenario) -> None:
    baseline = _stack_findings()
    added = [
        f
        for f in scenario.run().findings
        if f.rule == scenario.rule and (f.rule, f.obj) not in baseline
    ]
    assert added == []
