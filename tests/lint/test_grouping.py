"""Findings at scale: the replicas of one workload tell one story once, with a count."""

from __future__ import annotations

import copy
import re

from netfence.inputs import inputs_from_documents, read_inputs
from netfence.lint import LintOptions, lint_inputs
from tests.lint.scenarios import RULES_DIR, Scenario

BAD = Scenario(RULES_DIR / "one-sided-flow" / "bad")


def _one_sided(replicas: int) -> list[str]:
    docs = read_inputs(BAD.paths()).documents
    vllm = next(d for d in docs if d.kind == "Pod" and d.name == "vllm-0")
    extra = []
    for index in range(1, replicas):
        data = copy.deepcopy(vllm.data)
        data["metadata"]["name"] = f"vllm-{index}"
        data["status"] = {"podIP": f"10.244.9.{index}"}
        extra.append(vllm.item((), data))
    inputs = inputs_from_documents([*docs, *extra])
    report = lint_inputs(inputs, options=LintOptions(rules=frozenset({"one-sided-flow"})))
    return [f.message for f in report.findings]


def test_replicas_of_a_one_sided_flow_are_one_finding_with_a_count() -> None:
    single = _one_sided(1)
    grouped = _one_sided(5)
    assert single and len(grouped) == len(single)
    counted = [m for m in grouped if re.match(r"5 connections \(ai-inference/vllm-0 -> ", m)]
    assert counted, grouped
    assert all("; and 2 more)" in m and " are admitted at " in m for m in counted)
