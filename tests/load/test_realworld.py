"""Real-repository-like scenarios (tests/fixtures/realworld): every one analyses under the
default options; ``validate`` and ``--validate strict`` still refuse what the apiserver would."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from netfence.cli.app import app

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "realworld"
SCENARIOS = sorted(p.name for p in CORPUS.iterdir() if p.is_dir())


def _run(*args: str) -> Result:
    result = CliRunner().invoke(app, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize("command", ["analyze", "lint", "report"])
def test_no_scenario_is_refused_under_the_defaults(
    scenario: str, command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(CORPUS / scenario)  # .netfence.yaml is read from here
    args = {"analyze": ["-f", "json"], "lint": ["--fail-on", "never"]}.get(command, [])
    if command == "report":
        args = ["-o", str(tmp_path / "r.html")]
    result = _run(command, ".", *args)
    assert result.exit_code == 0, result.stderr
    assert "error" not in result.stderr.lower().replace("0 error", "")


def test_validate_and_strict_mode_still_refuse_sloppy_manifests() -> None:
    sloppy = str(CORPUS / "sloppy-app")
    for args in (["validate", sloppy], ["analyze", sloppy, "--validate", "strict"]):
        result = _run(*args)
        assert result.exit_code == 1
        assert "containers[1].args[1]: Invalid type" in result.stderr
        assert "spec.ports[0].name: Required value" in result.stderr
        assert "NetworkPolicy/store/allow_worker_to_api: status: unknown field" in result.stderr


def test_neutral_problems_are_warnings_that_say_so() -> None:
    result = _run("analyze", str(CORPUS / "sloppy-app"), "-f", "json")
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    fields = {line.split(": ")[3] for line in warnings}
    assert {
        "spec.ports[0].name",
        "metadata.ownerReferences.uid",
        "metadata.name",
        "status",
        "spec.template.spec.containers[0].name",
        "spec.template.spec.containers[1].args[1]",
    } <= fields
    assert all(line.endswith("--validate strict refuses it)") for line in warnings)
    ids = [e["id"] for e in json.loads(result.stdout)["endpoints"]]
    assert ids == ["store/api", "store/worker-0"]


def test_skipped_files_and_excludes_of_a_repository(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CORPUS / "shop-repo")
    result = _run("analyze", ".", "-f", "json")
    notes = [line for line in result.stderr.splitlines() if line.startswith("note: ")]
    assert len(notes) == 5
    assert all("not a Kubernetes manifest" in note for note in notes)
    assert "scratch" not in result.stderr  # excluded by .netfence.yaml
    assert _run("analyze", ".", "--strict-files").exit_code == 1
    also = _run("analyze", ".", "--exclude", "k8s", "--exclude", "*.yml", "-f", "json")
    assert also.exit_code == 1
    assert "no Kubernetes objects found (3 files skipped)" in also.stderr


def test_every_evaluated_dialect_of_the_mix_takes_part() -> None:
    """policy-dialects: Kubernetes, Calico (both API groups), Cilium and SIG Network policies
    each take part; Istio's kind is reported instead."""
    result = _run("analyze", str(CORPUS / "policy-dialects"), "--port", "8080", "-f", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    cells = {(c["from"], c["to"]): c for q in data["queries"] for c in q["matrix"] + q["external"]}
    assert cells["ml/notebook", "ml/trainer"]["allowed"]  # Calico NetworkPolicy after the KNP
    assert not cells["ml/trainer", "ml/notebook"]["allowed"]  # the KNP isolates, nothing admits
    assert not cells["sandbox/scraper", "ml/trainer"]["allowed"]  # the ANP tier runs first
    assert cells["sandbox/scraper", "ml/trainer"]["tier"] == "Admin"
    assert not cells["ml/trainer", "ext:169.254.169.254/32"]["allowed"]  # crd.projectcalico.org
    assert cells["ml/notebook", "ext:169.254.169.254/32"]["allowed"]
    kinds = {entry["kind"] for entry in data["not_evaluated"]}
    assert kinds == {"AuthorizationPolicy"}
