"""The HTML report without a browser: vendored files, inlining, CSP, escaping, safe writes."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from netfence.cli.app import app
from netfence.engine import Engine
from netfence.inputs import read_inputs
from netfence.report import html_data
from netfence.report.html import ASSETS, embed_json, render_html, script_hash
from netfence.report.html_data import report_data

VENDOR = Path(str(ASSETS)) / "vendor"


def data_of(page: str) -> Any:
    block = re.search(r'<script type="application/json" id="netfence-data">(.*?)</script>', page)
    assert block is not None
    return json.loads(block.group(1))


def test_vendored_files_match_their_manifest_and_carry_a_licence() -> None:
    manifest = json.loads((VENDOR / "vendor.json").read_text())
    assert [entry["name"] for entry in manifest][-1] == "cytoscape"
    for entry in manifest:
        script = (VENDOR / entry["file"]).read_bytes()
        assert hashlib.sha256(script).hexdigest() == entry["sha256"], entry["name"]
        licence = (VENDOR / entry["license_file"]).read_text()
        assert entry["license"] == "MIT" and "Permission is hereby granted" in licence


def test_page_is_self_contained_with_a_strict_policy(guide_dir: Path) -> None:
    inputs = read_inputs([str(guide_dir)])
    page = render_html(report_data(Engine(inputs.cluster), [], inputs.documents, "guide"))
    assert "<!--nf:" not in page
    assert not re.search(r"<(script|link|img|iframe)[^>]*\s(src|href)=", page)
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page)
    assert policy is not None
    directives = dict(d.strip().split(" ", 1) for d in policy.group(1).split(";"))
    assert directives["default-src"] == "'none'"
    assert "unsafe" not in directives["script-src"]
    scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
    assert len(scripts) == 5
    assert directives["script-src"].split() == [script_hash(s) for s in scripts]
    assert data_of(page)["summary"]["endpoints"] == 7


def test_embedded_json_cannot_close_its_script_element() -> None:
    hostile = {"label": "</script><script>alert(1)</script><!--", "amp": "a&b"}
    text = embed_json(hostile)
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == hostile


def test_report_data_counts_isolation_and_flows(guide_dir: Path) -> None:
    inputs = read_inputs([str(guide_dir)])
    data = report_data(Engine(inputs.cluster), [], inputs.documents, "guide")
    summary = data["summary"]
    # Only ai-inference has a deny-all in the guide: vllm is isolated both ways.
    assert (summary["isolated"], summary["unprotected"]) == (1, 5)
    vllm = next(n for n in data["nodes"] if n["id"] == "ai-inference/vllm-0")
    assert vllm["ingress_isolated"] and vllm["egress_isolated"]
    edges = {(e["source"], e["target"]): e["ports"] for e in data["edges"]}
    assert edges[("ai-inference/vllm-0", "kube-system/coredns-0")] == "UDP 53"
    assert (
        "gateway/gateway-0",
        "ai-inference/vllm-0",
    ) not in edges  # the guide's unlabelled gateway
    assert summary["flows"] == len(data["edges"])
    assert data["policies"][0]["id"] == "ai-inference/deny-all"


def test_bad_input_is_one_line_and_writes_nothing(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("kind: NetworkPolicy\nmetadata: {name: x}\nspec: {podSelector: 3}\n")
    out = tmp_path / "report.html"
    result = CliRunner().invoke(app, ["report", str(broken), "-o", str(out)])
    assert result.exit_code == 1
    assert result.stderr.startswith(str(broken)) and "Traceback" not in result.stderr
    assert not out.exists()
    result = CliRunner().invoke(app, ["report", "-o", str(out)])
    assert result.exit_code == 2 and not out.exists()


def test_report_cli_writes_the_page(guide_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = CliRunner().invoke(app, ["report", str(guide_dir), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    data = data_of(out.read_text())
    assert data["meta"]["inputs"] == str(guide_dir)
    assert sum(data["summary"]["findings"].values()) == len(data["findings"]) > 0


def test_report_lists_the_most_severe_findings_of_many(
    guide_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page lists at most FINDINGS_SHOWN findings, errors first; the counts stay whole."""
    every = data_of(_report(guide_dir, tmp_path / "every.html"))
    monkeypatch.setattr(html_data, "FINDINGS_SHOWN", 2)
    cut = data_of(_report(guide_dir, tmp_path / "cut.html"))
    assert every["findings_total"] == len(every["findings"]) > 2
    assert cut["findings_total"] == every["findings_total"]
    assert cut["findings"] == every["findings"][:2]
    assert cut["summary"]["findings"] == every["summary"]["findings"]


def _report(manifests: Path, page: Path) -> str:
    result = CliRunner().invoke(app, ["report", str(manifests), "-o", str(page)])
    assert result.exit_code == 0, result.stderr
    return page.read_text()


OVERLAPPING = """\
apiVersion: v1
kind: Pod
metadata: {name: app, namespace: shop, labels: {app: shop}}
spec:
  containers: [{name: app, image: app}]
status: {podIP: 10.244.1.5}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: to-pods, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress: [{to: [{ipBlock: {cidr: 10.244.0.0/16}}]}]
"""


@pytest.mark.parametrize(("reading", "said"), [("ignore", "ignores"), ("match", "lets")])
def test_report_lints_under_the_chosen_ipblock_reading(
    tmp_path: Path, reading: str, said: str
) -> None:
    manifests = tmp_path / "shop.yaml"
    manifests.write_text(OVERLAPPING)
    page = tmp_path / "report.html"
    args = ["report", str(manifests), "-o", str(page), "--ipblock-pods", reading]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    messages = [f["message"] for f in data_of(page.read_text())["findings"]]
    overlaps = [m for m in messages if "overlaps" in m]
    assert overlaps and all(f"this analysis {said} ipBlocks" in m for m in overlaps)
