"""Lint findings as SARIF 2.1.0, the format GitHub code scanning shows on pull requests."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from netfence.lint.catalogue import RULES, RuleInfo
from netfence.lint.finding import SEVERITY_RANK, Finding
from netfence.lint.run import LintReport
from netfence.sanitize import clean
from netfence.vocabulary import VERSION

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
STDIN = "-"
# GitHub code scanning's documented limits: it shows the first 5,000 results of a run (by
# severity; more than 25,000 are rejected) and 100 locations of a result (more than 1,000
# are rejected). Past them netfence keeps the most severe and says what it left out.
MAX_RESULTS = 5_000
MAX_LOCATIONS = 100


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


def _logical(obj: str) -> dict[str, Any]:
    return {"logicalLocations": [{"fullyQualifiedName": clean(obj), "kind": "resource"}]}


def result(finding: Finding, index: dict[str, int], root: str) -> dict[str, Any]:
    """``runs[0].results[]``: rule, level, message and where the offending object is (and
    the objects of the alike findings it stands for, up to ``MAX_LOCATIONS``)."""
    location = _logical(finding.obj)
    if finding.source is not None and finding.source.file != STDIN:
        location["physicalLocation"] = {
            "artifactLocation": {"uri": artifact_uri(finding.source.file, root)},
            "region": {"startLine": max(finding.source.line, 1)},
        }
    others = [m for m in finding.members if m != finding.obj]
    data: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": index[finding.rule],
        "level": LEVELS[finding.severity],
        "message": {"text": clean(f"{finding.obj}: {finding.message}")},
        "locations": [location, *map(_logical, others[: MAX_LOCATIONS - 1])],
    }
    if len(others) >= MAX_LOCATIONS:
        data["properties"] = {"locationsOmitted": len(others) + 1 - MAX_LOCATIONS}
    return data


def kept_results(findings: Sequence[Finding]) -> list[Finding]:
    """The findings code scanning will show: all of them, or the ``MAX_RESULTS`` most severe
    (in their order)."""
    if len(findings) <= MAX_RESULTS:
        return list(findings)
    ranked = sorted(range(len(findings)), key=lambda i: -SEVERITY_RANK[findings[i].severity])
    return [findings[i] for i in sorted(ranked[:MAX_RESULTS])]


def _omitted(total: int, kept: int) -> dict[str, Any]:
    """The run's properties and notification when results were left out."""
    text = (
        f"{total - kept} of {total} findings left out: GitHub code scanning shows at most "
        f"{MAX_RESULTS} results per run; these are the most severe (netfence lint --format "
        "json lists all)"
    )
    return {
        "properties": {"resultsOmitted": total - kept, "resultsTotal": total},
        "invocations": [
            {
                "executionSuccessful": True,
                "toolExecutionNotifications": [{"level": "warning", "message": {"text": text}}],
            }
        ],
    }


def sarif_log(report: LintReport, root: str = ".") -> dict[str, Any]:
    """The SARIF log object of one lint run."""
    index = {rule.id: i for i, rule in enumerate(RULES)}
    kept = kept_results(report.findings)
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "netfence",
                "version": VERSION,
                "rules": [rule_descriptor(rule) for rule in RULES],
            }
        },
        "results": [result(f, index, root) for f in kept],
        "columnKind": "unicodeCodePoints",
    }
    if len(kept) < len(report.findings):
        run.update(_omitted(len(report.findings), len(kept)))
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def render_sarif(report: LintReport, root: str = ".") -> str:
    return json.dumps(sarif_log(report, root), indent=2) + "\n"
