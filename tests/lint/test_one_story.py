"""One flow, one story: a rule that admits a one-sided flow is not "redundant, delete it"
while one-sided-flow says "add the other side"; redundant-rule refers to one-sided-flow."""

from __future__ import annotations

import pytest

from netfence.inputs import read_inputs
from netfence.lint import LintOptions, lint_inputs
from tests.lint.scenarios import RULES_DIR, Scenario

BOTH = LintOptions(rules=frozenset({"redundant-rule", "one-sided-flow"}))


@pytest.mark.parametrize(
    ("variant", "redundant", "missing"),
    [
        ("bad", "removing egress[0]", "add an ingress rule in ai-data"),
        ("bad-egress", "removing policy ai-data/minio", "add an egress rule in ai-inference"),
    ],
)
def test_redundant_rule_refers_to_the_one_sided_flow_it_admits(
    variant: str, redundant: str, missing: str
) -> None:
    paths = Scenario(RULES_DIR / "one-sided-flow" / variant).paths()
    findings = lint_inputs(read_inputs(paths), options=BOTH).findings
    [flow] = [f for f in findings if f.rule == "one-sided-flow"]
    [rule] = [f for f in findings if f.rule == "redundant-rule"]
    assert missing in flow.message
    assert rule.message.startswith(redundant + " changes no allowed connection only because")
    assert "ai-inference/vllm-0 -> ai-data/minio-0 on 443/TCP" in rule.message
    assert "see one-sided-flow" in rule.message
    assert not rule.hint.startswith("Delete it") and "one-sided-flow" in rule.hint


def test_a_truly_redundant_rule_still_says_delete_it() -> None:
    findings = Scenario(RULES_DIR / "redundant-rule" / "bad").run().findings
    assert findings and all(f.hint.startswith("Delete it") for f in findings)
    assert all("one-sided-flow" not in f.message for f in findings)
