"""``write_lint_json`` (findings encoded one by one) writes what ``render_lint_json`` (the
indenting encoder) renders, byte for byte."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st

from netfence.lint import LintReport
from netfence.lint.finding import Finding
from netfence.problems import Source
from netfence.report.lint_json import WRITTEN_FINDINGS, render_lint_json, write_lint_json

TEXT = st.text(st.characters(codec="utf-8"), max_size=12)
SOURCES = st.none() | st.builds(Source, TEXT, st.integers(0, 10**6), st.integers(0, 99))
FINDINGS = st.builds(
    Finding,
    rule=st.sampled_from(("one-sided-flow", "no-default-deny", "egress-to-internet")),
    severity=st.sampled_from(("error", "warning", "info")),
    message=TEXT,
    obj=st.sampled_from(("Pod/a/b", "Namespace/a", "NetworkPolicy/a/p\u00e9", "")),
    source=SOURCES,
    hint=TEXT,
)
REPORTS = st.builds(
    LintReport,
    st.lists(FINDINGS, max_size=6).map(tuple),
    st.lists(TEXT, max_size=3).map(tuple),
    st.dictionaries(TEXT, TEXT, max_size=3),
)


def _written(report: LintReport) -> str:
    stream = io.StringIO()
    write_lint_json(report, stream)
    return stream.getvalue()


@settings(max_examples=200, deadline=None)
@given(REPORTS)
def test_written_is_rendered(report: LintReport) -> None:
    assert _written(report) == render_lint_json(report)


def test_written_across_several_writes() -> None:
    finding = Finding("one-sided-flow", "warning", 'a "b"\n\tc', "Pod/a/b", None, "h\u2028")
    report = LintReport((finding,) * (2 * WRITTEN_FINDINGS + 1), ("note",), {"ns": "db"})
    assert _written(report) == render_lint_json(report)
