"""Rule fixtures: the correct AI stack, and per rule a variant that triggers it and one that
must not. A variant folder's YAML files replace the stack's files of the same name."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from netfence.inputs import read_inputs
from netfence.lint import LintOptions, LintReport, lint_inputs

FIXTURES = Path(__file__).parent / "fixtures"
BASE = FIXTURES / "base" / "cluster.yaml"
STACK = FIXTURES / "stack"
RULES_DIR = FIXTURES / "rules"
SCENARIO_FILE = "scenario.yaml"


@dataclass(frozen=True)
class Scenario:
    """One variant folder: its manifests, lint options and the finding it must produce."""

    folder: Path
    options: dict[str, Any] = field(default_factory=dict)
    expect: dict[str, Any] = field(default_factory=dict)

    @property
    def rule(self) -> str:
        return self.folder.parent.name

    @property
    def triggers(self) -> bool:
        return self.folder.name.startswith("bad")

    def paths(self) -> list[str]:
        own = sorted(p for p in self.folder.glob("*.yaml") if p.name != SCENARIO_FILE)
        names = {p.name for p in own}
        stack = sorted(p for p in STACK.glob("*.yaml") if p.name not in names)
        return [str(BASE), *map(str, stack), *map(str, own)]

    def lint_options(self) -> LintOptions:
        """Only the rule under test, with the scenario's options."""
        return LintOptions(
            rules=frozenset({self.rule}),
            dns_ips=tuple(ipaddress.ip_address(ip) for ip in self.options.get("dns_ips", ())),
            guardrails=tuple(self.options.get("guardrails", ())),
        )

    def run(self) -> LintReport:
        return lint_inputs(read_inputs(self.paths()), options=self.lint_options())


def load_scenarios() -> list[Scenario]:
    found = []
    for folder in sorted(p for p in RULES_DIR.glob("*/*") if p.is_dir()):
        spec_file = folder / SCENARIO_FILE
        spec = yaml.safe_load(spec_file.read_text()) if spec_file.exists() else {}
        found.append(Scenario(folder, spec.get("options", {}), spec.get("expect", {})))
    return found


def messages_by_rule(path: Path) -> dict[str, list[str]]:
    """Lint of one manifest file with every rule: each rule's finding messages."""
    found: dict[str, list[str]] = {}
    for finding in lint_inputs(read_inputs([str(path)])).findings:
        found.setdefault(finding.rule, []).append(finding.message)
    return found
