"""Lint findings as JSON: one object per finding, plus notes, roles and a summary."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any, TextIO

from netfence.lint.catalogue import rule_info
from netfence.lint.finding import Finding
from netfence.lint.run import LintReport


def finding_dict(finding: Finding) -> dict[str, Any]:
    """A finding as plain data (file and line are null when the object has no position)."""
    return {
        "rule": finding.rule,
        "severity": finding.severity,
        "object": finding.obj,
        "namespace": finding.namespace,
        "file": finding.source.file if finding.source else None,
        "line": finding.source.line if finding.source else None,
        "message": finding.message,
        "hint": finding.hint,
        "doc": rule_info(finding.rule).anchor,
    }


def summary(report: LintReport) -> dict[str, int]:
    """How many findings of each severity."""
    counts = Counter(f.severity for f in report.findings)
    return {severity: counts.get(severity, 0) for severity in ("error", "warning", "info")}


WRITTEN_PIECES = 65_536
"""Encoder pieces joined per write."""


def _document(report: LintReport) -> dict[str, object]:
    return {
        "findings": [finding_dict(f) for f in report.findings],
        "summary": summary(report),
        "notes": list(report.notes),
        "roles": dict(sorted(report.roles.items())),
    }


def render_lint_json(report: LintReport) -> str:
    """The whole report as indented JSON."""
    return json.dumps(_document(report), indent=2) + "\n"


def write_lint_json(report: LintReport, stream: TextIO) -> None:
    """``render_lint_json`` written to ``stream`` piece by piece (a big cluster's report is
    hundreds of MB: never held as one string)."""
    pieces: list[str] = []
    for piece in json.JSONEncoder(indent=2).iterencode(_document(report)):
        pieces.append(piece)
        if len(pieces) >= WRITTEN_PIECES:
            stream.write("".join(pieces))
            pieces.clear()
    stream.write("".join(pieces) + "\n")
