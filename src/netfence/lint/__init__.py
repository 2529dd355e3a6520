"""Lint: the guide's common failures and AI-specific risks, each rule asking the engine."""

from netfence.callables import make_callable
from netfence.lint.catalogue import RULES, RuleInfo, rule_info
from netfence.lint.finding import Finding, Severity
from netfence.lint.options import LintOptions
from netfence.lint.run import LintReport, lint_cluster, lint_inputs, run_lint

__all__ = [
    "RULES",
    "Finding",
    "LintOptions",
    "LintReport",
    "RuleInfo",
    "Severity",
    "lint_cluster",
    "lint_inputs",
    "rule_info",
    "run_lint",
]

make_callable(__name__)  # netfence.lint(...) is netfence.api.lint
