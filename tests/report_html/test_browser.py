"""The HTML report in a real headless Chromium: graph, highlighting, filters, no network."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from netfence.cli.app import app
from netfence.engine import Engine
from netfence.inputs import read_inputs
from netfence.report import html_data
from tests.conftest import ROOT
from tests.report_html.test_grouped import big_cluster

pytestmark = pytest.mark.browser
playwright = pytest.importorskip("playwright.sync_api", reason="pip install -e .[test]")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip("Debian's chromium is not installed (scripts/test.sh installs it)")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with playwright.sync_playwright() as driver:
        context = driver.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, args=FLAGS, headless=True,
            viewport={"width": 1500, "height": 1000},
        )  # fmt: skip
        yield context
        context.close()


class Page:
    """One opened report with every request and console error it caused."""

    def __init__(self, context: Any, path: Path) -> None:
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page = context.new_page()
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on(
            "console",
            lambda m: self.errors.append(m.text) if m.type in ("error", "warning") else None,
        )
        self.url = path.as_uri()
        self.page.goto(self.url)
        self.page.wait_for_function("() => window.netfenceReport !== undefined")

    def js(self, expression: str, arg: Any = None) -> Any:
        return self.page.evaluate(expression, arg)

    def click_node(self, ident: str) -> None:
        """A real mouse click on the node's drawn position."""
        box = self.page.locator("#cy").bounding_box()
        x, y = self.js(
            "id => { const p = netfenceReport.cy.getElementById(id).renderedPosition();"
            " return [p.x, p.y]; }",
            ident,
        )
        self.page.mouse.click(box["x"] + x, box["y"] + y)


def write_report(spec: str, out: Path) -> Path:
    result = CliRunner().invoke(app, ["report", spec, "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    return out


def allowed_pairs(paths: list[str]) -> set[tuple[str, str]]:
    """Every (src, dst) pair the engine allows on some port, straight from the engine."""
    engine = Engine(read_inputs(paths).cluster)
    nodes = [*engine.endpoints, *engine.externals]
    return {
        (s.id, d.id)
        for s in nodes
        for d in nodes
        if s is not d and any(not p.is_empty for p in engine.connections(s, d).values())
    }


def test_guide_report_graph_highlight_and_no_network(
    browser: Any, guide_dir: Path, tmp_path: Path
) -> None:
    report = Page(browser, write_report(str(guide_dir), tmp_path / "guide.html"))
    pairs = allowed_pairs([str(guide_dir)])
    engine = Engine(read_inputs([str(guide_dir)]).cluster)

    drawn_nodes = set(report.js("netfenceReport.cy.nodes('.workload').map(n => n.id())"))
    drawn_edges = set(
        map(
            tuple,
            report.js("netfenceReport.cy.edges().map(e => [e.source().id(), e.target().id()])"),
        )
    )
    assert drawn_edges == pairs
    assert {e.id for e in engine.endpoints} <= drawn_nodes
    assert drawn_nodes == {e.id for e in engine.endpoints} | {n for pair in pairs for n in pair}
    assert set(report.js("netfenceReport.cy.nodes('.namespace').map(n => n.id())")) >= {
        "ns:ai-inference", "ns:gateway", "ns:kube-system",
    }  # fmt: skip

    agent = "ai-agents/ai-agent-0"
    report.click_node(agent)
    reach = set(report.js("netfenceReport.cy.nodes('.reach-to').map(n => n.id())"))
    reached_by = set(report.js("netfenceReport.cy.nodes('.reach-from').map(n => n.id())"))
    assert reach == {d for s, d in pairs if s == agent}
    assert reached_by == {s for s, d in pairs if d == agent}
    details = report.page.text_content("#details") or ""
    assert agent in details and f"Can reach ({len(reach)})" in details
    ARTIFACTS.mkdir(exist_ok=True)
    report.page.screenshot(path=str(ARTIFACTS / "report-guide.png"), full_page=True)

    report.page.uncheck("input[data-namespace='default']")
    report.page.wait_for_function(
        "() => !netfenceReport.cy.getElementById('default/test-pod').visible()", timeout=5000
    )
    assert report.js("netfenceReport.cy.getElementById('ai-agents/weaviate-0').visible()") is True

    report.page.fill("#matrix-src", "vllm")
    rows = report.js(
        "[...document.querySelectorAll('#matrix-table tbody tr')].filter(r => !r.hidden).length"
    )
    assert rows == 1

    assert report.requests == [report.url]
    assert report.errors == []
    violated = report.js(
        """new Promise((resolve) => {
            document.addEventListener("securitypolicyviolation",
                (e) => resolve(e.effectiveDirective), { once: true });
            fetch("http://127.0.0.1:9/").catch(() => {});
        })"""
    )
    assert violated == "connect-src"  # the page's own policy refuses any network load
    assert report.requests == [report.url]


def test_ai_mesh_report_renders_findings_and_policies(browser: Any, tmp_path: Path) -> None:
    report = Page(browser, write_report("builtin:ai-mesh", tmp_path / "ai-mesh.html"))
    assert report.js("netfenceReport.cy.nodes('.workload').length") >= 7
    assert report.page.locator("details.policy").count() == report.js(
        "netfenceReport.data.summary.policies"
    )
    report.page.click("details.policy summary")
    assert report.page.locator("details.policy[open] .y-key").count() > 3
    assert report.page.locator("#cards .card").count() == 10
    assert report.requests == [report.url] and report.errors == []
    ARTIFACTS.mkdir(exist_ok=True)
    report.js("window.scrollTo(0, 0)")
    report.page.screenshot(path=str(ARTIFACTS / "report-ai-mesh.png"), full_page=True)


def test_a_cut_findings_list_says_so(
    browser: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Beyond FINDINGS_SHOWN findings the page lists the first ones and says how many exist."""
    monkeypatch.setattr(html_data, "FINDINGS_SHOWN", 3)
    report = Page(browser, write_report("builtin:ai-mesh", tmp_path / "cut.html"))
    total = report.js("netfenceReport.data.findings_total")
    assert total > 3 and report.page.locator("#findings-body tbody tr").count() == 3
    said = report.page.text_content("#findings-cut") or ""
    assert f"The first 3 of {total} findings" in said and "netfence lint" in said
    assert report.errors == []


def _positions(report: Page) -> dict[str, list[float]]:
    return report.js(
        "Object.fromEntries(netfenceReport.cy.nodes('.workload').map("
        "n => [n.id(), [Math.round(n.position('x')), Math.round(n.position('y'))]]))"
    )


def test_layout_is_the_same_on_every_load(browser: Any, tmp_path: Path) -> None:
    path = write_report("builtin:ai-mesh", tmp_path / "mesh.html")
    first, second = Page(browser, path), Page(browser, path)
    assert _positions(first) == _positions(second)


def test_narrow_window_gives_the_graph_the_width(browser: Any, tmp_path: Path) -> None:
    report = Page(browser, write_report("builtin:ai-mesh", tmp_path / "mesh.html"))
    report.page.set_viewport_size({"width": 800, "height": 1000})
    report.page.wait_for_timeout(400)
    graph = report.page.locator("#cy").bounding_box()
    assert graph["width"] > 700 and graph["height"] > 450
    ARTIFACTS.mkdir(exist_ok=True)
    report.page.screenshot(path=str(ARTIFACTS / "report-ai-mesh-800.png"), full_page=True)
    report.page.set_viewport_size({"width": 1400, "height": 1000})
    report.page.wait_for_timeout(400)
    report.page.screenshot(path=str(ARTIFACTS / "report-ai-mesh-1400.png"), full_page=True)


def test_findings_are_not_in_a_scroll_box_and_stand_ins_not_counted(
    browser: Any, guide_dir: Path, tmp_path: Path
) -> None:
    report = Page(browser, write_report(str(guide_dir), tmp_path / "guide.html"))
    clipped = report.js(
        "(() => { const w = document.querySelector('#findings-body .table-wrap');"
        " return w.scrollHeight - w.clientHeight; })()"
    )
    assert clipped <= 1
    mesh = Page(browser, write_report("builtin:ai-mesh", tmp_path / "mesh.html"))
    summary = mesh.js("netfenceReport.data.summary")
    # the blueprint's ingress controller is left open on purpose (isolate: false): counted;
    # netfence's own DNS stand-in and test-pod are not
    assert summary["stand_ins"] == 2 and summary["unprotected"] == 1
    assert mesh.page.text_content("[data-metric='Unprotected'] .value") == "1"


def test_objects_not_evaluated_are_shown(browser: Any, tmp_path: Path) -> None:
    folder = ROOT / "tests" / "fixtures" / "realworld" / "policy-dialects"
    report = Page(browser, write_report(str(folder), tmp_path / "dialects.html"))
    notice = report.page.text_content("#not-evaluated") or ""
    assert "1 AuthorizationPolicy" in notice and "ml/deny-all" in notice
    assert "AdminNetworkPolicy" not in notice  # the SIG Network tiers are evaluated
    assert "GlobalNetworkPolicy" not in notice  # and so are Calico's kinds
    assert "CiliumNetworkPolicy" not in notice  # and Cilium's policies
    assert report.page.text_content("[data-metric='Not evaluated'] .value") == "1"
    assert report.errors == []


def test_print_layout_opens_policies_and_hides_navigation(browser: Any, tmp_path: Path) -> None:
    report = Page(browser, write_report("builtin:ai-mesh", tmp_path / "mesh.html"))
    report.page.emulate_media(media="print")
    report.js("window.dispatchEvent(new Event('beforeprint'))")
    assert report.js("getComputedStyle(document.querySelector('.topbar nav')).display") == "none"
    assert report.page.locator("details.policy:not([open])").count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    report.page.screenshot(path=str(ARTIFACTS / "report-ai-mesh-print.png"), full_page=True)


def test_big_cluster_report_is_aggregated_and_responsive(browser: Any, tmp_path: Path) -> None:
    """240 pods of 60 ReplicaSets: drawn as workloads, said at the top; with this many edges
    a selection's edges are drawn, and a checkbox draws them all; 62 external ranges are one
    node; 209 policies are highlighted when opened."""
    big_cluster(tmp_path, 240, workloads=60, ranges=60, extra=50)
    report = Page(browser, write_report(str(tmp_path), tmp_path / "big.html"))
    data = report.js("netfenceReport.data")
    assert data["aggregation"]["level"] == "workload" and data["aggregation"]["groups"] == 60
    notice = report.page.text_content("#aggregated") or ""
    assert "Aggregated by workload" in notice and "240 pods drawn as 60 workloads" in notice
    assert "netfence analyze INPUT --group workload" in notice
    drawn = set(report.js("netfenceReport.cy.nodes('.workload').map(n => n.id())"))
    assert drawn == {n["id"] for n in data["nodes"]}
    assert len(data["edges"]) > 400
    visible = "netfenceReport.cy.edges().filter(e => e.visible()).length"
    assert report.js(visible) == 0

    web = "team-0/ReplicaSet/rs-0"
    report.click_node(web)
    touching = [e for e in data["edges"] if web in (e["source"], e["target"])]
    assert report.js(visible) == len(touching) > 0
    details = report.page.text_content("#details") or ""
    assert "Pods (4)" in details and "pod-60" in details
    label = report.js(
        "netfenceReport.cy.edges('.in-edge').filter(e => e.source().id() ==="
        " 'team-1/ReplicaSet/rs-1').map(e => e.data('label'))"
    )
    assert label == ["TCP 80"]  # every pod of rs-1 reaches every pod of rs-0, on 80 only

    report.js("netfenceReport.select('ext:outside')")
    assert "Ranges (62)" in (report.page.text_content("#details") or "")
    assert report.page.locator("details.policy").count() == 209
    assert report.page.locator("details.policy .y-key").count() == 0
    report.page.click("details.policy summary")
    report.page.wait_for_selector("details.policy[open] .y-key")

    report.page.check("#every-edge")
    assert report.js(visible) == len(data["edges"])
    rows = report.js("document.querySelectorAll('#matrix-table tbody tr').length")
    assert rows == len(data["nodes"])
    assert report.requests == [report.url] and report.errors == []
    ARTIFACTS.mkdir(exist_ok=True)
    report.js("window.scrollTo(0, 0)")
    report.page.screenshot(path=str(ARTIFACTS / "report-aggregated.png"), full_page=False)
