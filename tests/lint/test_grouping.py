"""Findings at scale: the replicas of one workload tell one story once, with a count."""

from __future__ import annotations

import copy
import json
import re

import jsonschema

from netfence.inputs import inputs_from_documents, read_inputs
from netfence.lint import Finding, LintOptions, LintReport, Severity, lint_inputs
from netfence.report.sarif import MAX_LOCATIONS, MAX_RESULTS, render_sarif
from tests.conftest import run_cli_in_process
from tests.lint.scenarios import BASE, RULES_DIR, STACK, Scenario
from tests.lint.test_guide import SCHEMA

BAD = Scenario(RULES_DIR / "one-sided-flow" / "bad")


def _replicated(scenario: Scenario, pod: str, replicas: int, rule: str) -> LintReport:
    """Lint of ``scenario`` with ``pod`` copied to ``replicas`` pods of one workload."""
    docs = read_inputs(scenario.paths()).documents
    original = next(d for d in docs if d.kind == "Pod" and d.name == pod)
    extra = []
    for index in range(1, replicas):
        data = copy.deepcopy(original.data)
        data["metadata"]["name"] = f"{pod.rsplit('-', 1)[0]}-{index}"
        data["status"] = {"podIP": f"10.244.9.{index}"}
        extra.append(original.item((), data))
    inputs = inputs_from_documents([*docs, *extra])
    return lint_inputs(inputs, options=LintOptions(rules=frozenset({rule})))


def _one_sided(replicas: int) -> list[str]:
    report = _replicated(BAD, "vllm-0", replicas, "one-sided-flow")
    return [f.message for f in report.findings]


def test_replicas_of_a_one_sided_flow_are_one_finding_with_a_count() -> None:
    single = _one_sided(1)
    grouped = _one_sided(5)
    assert single and len(grouped) == len(single)
    counted = [m for m in grouped if re.match(r"5 connections \(ai-inference/vllm-0 -> ", m)]
    assert counted, grouped
    assert all("; and 2 more)" in m and " are admitted at " in m for m in counted)


INTERNET = Scenario(RULES_DIR / "egress-to-internet" / "bad")


def test_replicas_of_an_exposed_workload_are_one_finding_with_a_count() -> None:
    single = _replicated(INTERNET, "vllm-0", 1, "egress-to-internet").findings
    grouped = _replicated(INTERNET, "vllm-0", 5, "egress-to-internet").findings
    assert len(grouped) == len(single)
    [vllm] = [f for f in grouped if f.namespace == "ai-inference"]
    assert vllm.message.startswith(
        "5 endpoints of ai-inference (ai-inference/vllm-0; ai-inference/vllm-1; "
        "ai-inference/vllm-2; and 2 more) alike: ai-inference/vllm-0 (role inference) can "
    )
    assert vllm.members == tuple(f"Pod/ai-inference/vllm-{i}" for i in range(5))


def test_endpoints_with_different_stories_stay_apart() -> None:
    findings = INTERNET.run().findings
    assert all(not f.members for f in findings)
    assert len({f.obj for f in findings}) == len(findings)


def _finding(index: int, severity: Severity, members: tuple[str, ...] = ()) -> Finding:
    obj = f"Pod/ns/p-{index}"
    return Finding("egress-to-internet", severity, "m", obj, None, "h", members)


def test_sarif_keeps_the_most_severe_results_under_the_limit_and_says_so() -> None:
    findings = [_finding(i, "info") for i in range(3)] + [
        _finding(i, "error") for i in range(3, MAX_RESULTS + 3)
    ]
    log = json.loads(render_sarif(LintReport(tuple(findings), (), {})))
    jsonschema.validate(log, json.loads(SCHEMA.read_text()))
    [run] = log["runs"]
    assert len(run["results"]) == MAX_RESULTS
    assert {r["level"] for r in run["results"]} == {"error"}
    assert run["properties"] == {"resultsOmitted": 3, "resultsTotal": MAX_RESULTS + 3}
    [note] = run["invocations"][0]["toolExecutionNotifications"]
    assert "3 of 5003 findings left out" in note["message"]["text"]


def test_sarif_lists_a_groups_members_up_to_the_location_limit() -> None:
    members = tuple(f"Pod/ns/p-{i}" for i in range(MAX_LOCATIONS + 20))
    log = json.loads(render_sarif(LintReport((_finding(0, "error", members),), (), {})))
    jsonschema.validate(log, json.loads(SCHEMA.read_text()))
    [result] = log["runs"][0]["results"]
    assert len(result["locations"]) == MAX_LOCATIONS
    assert result["properties"] == {"locationsOmitted": 20}
    assert "properties" not in log["runs"][0]


def test_lint_progress_goes_to_stderr_with_verbose_only() -> None:
    args = ("lint", str(BASE), str(STACK), "--format", "json")
    quiet = run_cli_in_process(*args)
    verbose = run_cli_in_process(*args, "--verbose")
    assert json.loads(verbose.stdout) == json.loads(quiet.stdout)
    assert re.search(r"^lint: 1/\d+ dns-egress-blocked$", verbose.stderr, re.M), verbose.stderr
    assert "lint: " not in quiet.stderr
