"""Lint findings as SARIF 2.1.0, the format GitHub code scanning shows on pull requests."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import quote

from netfence.lint.catalogue import RULES, RuleInfo
from netfence.lint.finding import Finding
from netfence.lint.run import LintReport
from netfence.sanitize import clean
from netfence.vocabulary import VERSION

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
STDIN = "-"


def artifact_uri(file: str, root: str) -> str:
    """The file relative to ``root`` (the repository) when inside it, else a file URI."""
    absolute = Path(os.path.realpath(os.path.join(root, file)))
    try:
        relative = absolute.relative_to(os.path.realpath(root))
    except ValueError:
        return absolute.as_uri()
    return quote(relative.as_posix())


def rule_descriptor(rule: RuleInfo) -> dict[str, Any]:
    """``tool.driver.rules[]``: id, descriptions, help with the fix, default level."""
    help_text = rule.hint + ("\n\n" + rule.snippet if rule.snippet else "")
    markdown = rule.hint + (f"\n\n```yaml\n{rule.snippet}```" if rule.snippet else "")
    return {
        "id": rule.id,
        "name": "".join(part.capitalize() for part in rule.id.split("-")),
        "shortDescription": {"text": rule.description},
        "fullDescription": {"text": rule.explanation},
        "help": {"text": help_text, "markdown": markdown},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"tags": ["security", "kubernetes", "networkpolicy"], "doc": rule.anchor},
    }


def result(finding: Finding, index: dict[str, int], root: str) -> dict[str, Any]:
    """``runs[0].results[]``: rule, level, message and where the offending object is."""
    location: dict[str, Any] = {
        "logicalLocations": [{"fullyQualifiedName": clean(finding.obj), "kind": "resource"}]
    }
    if finding.source is not None and finding.source.file != STDIN:
        location["physicalLocation"] = {
            "artifactLocation": {"uri": artifact_uri(finding.source.file, root)},
            "region": {"startLine": max(finding.source.line, 1)},
        }
    return {
        "ruleId": finding.rule,
        "ruleIndex": index[finding.rule],
        "level": LEVELS[finding.severity],
        "message": {"text": clean(f"{finding.obj}: {finding.message}")},
        "locations": [location],
    }


def sarif_log(report: LintReport, root: str = ".") -> dict[str, Any]:
    """The SARIF log object of one lint run."""
    index = {rule.id: i for i, rule in enumerate(RULES)}
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "netfence",
                        "version": VERSION,
                        "rules": [rule_descriptor(rule) for rule in RULES],
                    }
                },
                "results": [result(f, index, root) for f in report.findings],
                "columnKind": "unicodeCodePoints",
            }
        ],
    }


def render_sarif(report: LintReport, root: str = ".") -> str:
    return json.dumps(sarif_log(report, root), indent=2) + "\n"
