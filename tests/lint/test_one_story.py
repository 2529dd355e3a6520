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


def test_a_rule_whose_selector_matches_nothing_is_fixed_not_deleted() -> None:
    """redundant-rule on a policy that changes nothing only because its selector matches
    nothing refers to selector-matches-nothing, whose fix is to correct the selector."""
    both = LintOptions(rules=frozenset({"redundant-rule", "selector-matches-nothing"}))
    paths = Scenario(RULES_DIR / "selector-matches-nothing" / "bad").paths()
    findings = lint_inputs(read_inputs(paths), options=both).findings
    assert any(f.rule == "selector-matches-nothing" for f in findings)
    redundant = [f for f in findings if f.rule == "redundant-rule"]
    dead = [f for f in redundant if "selector of it matches nothing" in f.message]
    assert dead and all(f.hint.startswith("Fix the selector first") for f in dead)
    assert not any(f.hint.startswith("Delete it") for f in redundant)
