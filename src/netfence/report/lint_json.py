"""Lint findings as JSON: one object per finding, plus notes, roles and a summary."""

from __future__ import annotations

import json
from collections import Counter
from json.encoder import encode_basestring_ascii
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


WRITTEN_FINDINGS = 4096
"""Findings joined per write."""


def _document(report: LintReport) -> dict[str, object]:
    return {
        "findings": [finding_dict(f) for f in report.findings],
        **_rest(report),
    }


def _rest(report: LintReport) -> dict[str, object]:
    """The document's members after the findings."""
    return {
        "summary": summary(report),
        "notes": list(report.notes),
        "roles": dict(sorted(report.roles.items())),
    }


def render_lint_json(report: LintReport) -> str:
    """The whole report as indented JSON."""
    return json.dumps(_document(report), indent=2) + "\n"


def _value(value: object) -> str:
    return encode_basestring_ascii(value) if isinstance(value, str) else json.dumps(value)


class _FindingTexts:
    """Findings as ``render_lint_json`` indents them inside the list. Their members are
    strings, numbers or null: encoded one by one, not by the indenting encoder (pure Python,
    the slowest part of a big cluster's report); the members many findings share (rule,
    object, file, ...) are encoded once."""

    def __init__(self) -> None:
        self._shared: dict[object, str] = {}

    def _once(self, value: object) -> str:
        text = self._shared.get(value)
        if text is None:
            text = self._shared[value] = _value(value)
        return text

    def text(self, finding: Finding) -> str:
        once = self._once
        lines = [
            f"      {once(key)}: "
            + (encode_basestring_ascii(value) if key in _OWN else once(value))
            for key, value in finding_dict(finding).items()
        ]
        return "    {\n" + ",\n".join(lines) + "\n    }"


_OWN = frozenset({"message", "hint"})
"""The members each finding has its own of (not worth keeping)."""


def write_lint_json(report: LintReport, stream: TextIO) -> None:
    """``render_lint_json`` written to ``stream`` piece by piece (a big cluster's report is
    hundreds of MB: never held as one string)."""
    findings = report.findings
    stream.write('{\n  "findings": [' if findings else '{\n  "findings": []')
    texts_of = _FindingTexts()
    for start in range(0, len(findings), WRITTEN_FINDINGS):
        texts = [texts_of.text(f) for f in findings[start : start + WRITTEN_FINDINGS]]
        stream.write(("\n" if start == 0 else ",\n") + ",\n".join(texts))
    if findings:
        stream.write("\n  ]")
    for key, value in _rest(report).items():
        text = json.dumps(value, indent=2).replace("\n", "\n  ")
        stream.write(f",\n  {encode_basestring_ascii(key)}: {text}")
    stream.write("\n}\n")
