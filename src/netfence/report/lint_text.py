"""Lint findings for people: grouped by namespace, most severe first, with fix hints."""

from __future__ import annotations

from itertools import groupby

from rich.console import Console
from rich.text import Text

from netfence.lint.finding import Finding
from netfence.lint.run import LintReport
from netfence.report.lint_json import summary
from netfence.sanitize import clean

STYLES = {"error": "bold red", "warning": "yellow", "info": "cyan"}
INDENT = " " * 8


def _indented(text: str, style: str = "") -> Text:
    lines = text.rstrip("\n").split("\n")
    return Text("\n".join(INDENT + line if line else "" for line in lines), style=style)


def finding_text(finding: Finding, hints: bool) -> Text:
    """``error   dns-egress-blocked  file:line  Kind/ns/name``, the message, the hint."""
    text = Text()
    text.append(f"{finding.severity:<7}", style=STYLES[finding.severity])
    text.append(f" {finding.rule}", style="bold")
    if finding.source is not None:
        text.append(f"  {clean(finding.source.file)}:{finding.source.line}")
    text.append(f"  {clean(finding.obj)}\n", style="dim")
    text.append_text(_indented(finding.message))
    if hints and finding.hint:
        text.append("\n")
        text.append_text(_indented("fix: " + finding.hint, style="green"))
    return text


def render_lint_text(report: LintReport, console: Console, hints: bool = True) -> None:
    """Print the report: one section per namespace, then notes and a summary line."""
    for namespace, findings in groupby(report.findings, key=lambda f: f.namespace):
        title = f"namespace {namespace}" if namespace else "cluster-wide"
        console.print(Text(title, style="bold underline"))
        for finding in findings:
            console.print(finding_text(finding, hints))
        console.print()
    for note in report.notes:
        console.print(Text(f"note: {note}", style="dim"))
    counts = ", ".join(f"{n} {severity}" for severity, n in summary(report).items())
    console.print(Text(f"{len(report.findings)} findings ({counts})", style="bold"))
