"""docs/rules.md is generated from the catalogue and kept up to date."""

from __future__ import annotations

import re

from netfence.lint import RULES
from netfence.lint.docs import render_rules_markdown
from tests.conftest import ROOT

RULES_MD = ROOT / "docs" / "rules.md"


def test_rules_page_is_up_to_date(update_golden: bool) -> None:
    text = render_rules_markdown()
    if update_golden:
        RULES_MD.write_text(text)
    assert RULES_MD.read_text() == text, "run: python -m netfence.lint.docs > docs/rules.md"


def test_every_rule_has_a_unique_id_a_section_and_a_hint() -> None:
    text = render_rules_markdown()
    assert len({rule.id for rule in RULES}) == len(RULES)
    for rule in RULES:
        assert re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", rule.id)
        assert f"\n## {rule.id}\n" in text
        assert rule.hint and rule.explanation and "\n" not in rule.description
