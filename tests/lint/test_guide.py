"""The guide's literal manifests: the gaps a careful tool must catch, and pinned outputs."""

from __future__ import annotations

import io
import json
from pathlib import Path

import jsonschema
import pytest
from rich.console import Console

from netfence.inputs import read_inputs
from netfence.lint import LintReport, lint_inputs
from netfence.report.lint_json import render_lint_json
from netfence.report.lint_text import render_lint_text
from netfence.report.sarif import render_sarif
from tests.conftest import ROOT, Golden

GUIDE = Path("tests/lint/fixtures/guide")

SCHEMA = ROOT / "tests" / "lint" / "sarif-2.1.0-subset.schema.json"


@pytest.fixture(scope="module")
def report() -> LintReport:
    """Lint of the guide's copy, run from the repository root so paths are relative."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        return lint_inputs(read_inputs([str(GUIDE)]))


def _by_rule(report: LintReport, rule: str) -> list[str]:
    return [f"{f.obj}: {f.message}" for f in report.findings if f.rule == rule]


def test_fixture_is_the_guide_verbatim(guide_dir: Path) -> None:
    for original in sorted(guide_dir.glob("*.yaml")):
        assert (ROOT / GUIDE / original.name).read_text() == original.read_text()


def test_unlabelled_gateway_namespace(report: LintReport) -> None:
    [finding] = [f for f in report.findings if f.rule == "selector-matches-nothing"]
    assert finding.obj == "NetworkPolicy/ai-inference/allow-from-gateway"
    assert "purpose=gateway matches no namespace" in finding.message
    assert finding.source is not None
    assert (Path(finding.source.file).name, finding.source.line) == (
        "02-allow-from-gateway.yaml",
        12,
    )


def test_private_range_overlaps_the_cluster(report: LintReport) -> None:
    [finding] = [f for f in report.findings if f.rule == "ipblock-overlaps-cluster"]
    assert finding.obj == "NetworkPolicy/ai-agents/allow-to-tools"
    assert "10.0.0.0/8" in finding.message and "pod CIDR 10.244.0.0/16" in finding.message


def test_missing_dns_and_ingress_once_every_namespace_is_isolated(report: LintReport) -> None:
    advice = {f.obj: f.message for f in report.findings if f.rule == "no-default-deny"}
    agents, data = advice["Namespace/ai-agents"], advice["Namespace/ai-data"]
    assert "DNS for ai-agents/weaviate-0 (add allow-dns)" in agents  # the agent has none today
    assert "ai-agents/ai-agent-0 -> ai-agents/weaviate-0 on 8080/TCP" in agents
    assert "add an ingress rule in ai-agents" in agents
    assert "DNS for ai-data/minio-0" in data
    assert "ai-inference/vllm-0 -> ai-data/minio-0 on 443/TCP" in data
    assert "add an ingress rule in ai-data" in data


def test_dns_gaps_today(report: LintReport) -> None:
    assert _by_rule(report, "dns-egress-blocked") == [
        "NetworkPolicy/ai-agents/allow-to-tools: ai-agents/ai-agent-0 cannot reach cluster DNS "
        "(kube-system/coredns-0) on 53/UDP: egress of ai-agents/ai-agent-0 is isolated by "
        "ai-agents/allow-to-tools and no egress rule admits it"
    ]
    assert [m.split(":")[0] for m in _by_rule(report, "dns-tcp-blocked")] == [
        "NetworkPolicy/ai-inference/deny-all"
    ]


def test_golden_json(report: LintReport, golden: Golden) -> None:
    golden.check("guide.json", render_lint_json(report))


def test_golden_text(report: LintReport, golden: Golden) -> None:
    buffer = io.StringIO()
    console = Console(file=buffer, width=200, no_color=True, soft_wrap=True, highlight=False)
    render_lint_text(report, console)
    golden.check("guide.txt", buffer.getvalue())


def test_golden_sarif(report: LintReport, golden: Golden) -> None:
    golden.check("guide.sarif", render_sarif(report, str(ROOT)))


def test_sarif_matches_the_schema_and_points_at_files(report: LintReport) -> None:
    log = json.loads(render_sarif(report, str(ROOT)))
    jsonschema.validate(log, json.loads(SCHEMA.read_text()))
    results = log["runs"][0]["results"]
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert len(results) == len(report.findings)
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        physical = result["locations"][0]["physicalLocation"]
        assert physical["artifactLocation"]["uri"].startswith(str(GUIDE) + "/")
        assert physical["region"]["startLine"] >= 1
