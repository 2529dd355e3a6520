"""``netfence lint`` as a user runs it: formats, exit codes, settings, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from netfence.blueprint import builtin, generate, template_text
from tests.conftest import ROOT, run_cli_in_process

GUIDE = str(ROOT / "tests" / "lint" / "fixtures" / "guide")


def _rules(stdout: str) -> set[str]:
    return {f["rule"] for f in json.loads(stdout)["findings"]}


def test_errors_exit_1_unless_fail_on_never() -> None:
    assert run_cli_in_process("lint", GUIDE).returncode == 1
    assert run_cli_in_process("lint", GUIDE, "--fail-on", "never").returncode == 0


def test_disable_all_then_enable_one_and_fail_on_warning() -> None:
    args = ("lint", GUIDE, "--format", "json", "--disable", "all")
    only = run_cli_in_process(*args, "--enable", "selector-matches-nothing")
    assert only.returncode == 0
    assert _rules(only.stdout) == {"selector-matches-nothing"}
    strict = run_cli_in_process(
        *args, "--enable", "selector-matches-nothing", "--fail-on", "warning"
    )
    assert strict.returncode == 1


def test_unknown_rule_is_a_usage_error() -> None:
    result = run_cli_in_process("lint", GUIDE, "--disable", "dns-egress")
    assert result.returncode == 2
    assert "unknown lint rule 'dns-egress' (did you mean dns-egress-blocked" in result.stderr


def test_config_file(tmp_path: Path) -> None:
    config = tmp_path / "lint.yaml"
    config.write_text(
        "lint:\n  disable: [all]\n  enable: [ipblock-overlaps-cluster]\n  fail-on: warning\n"
    )
    result = run_cli_in_process("lint", GUIDE, "--config", str(config), "--format", "json")
    assert _rules(result.stdout) == {"ipblock-overlaps-cluster"}
    assert result.returncode == 1
    assert (
        run_cli_in_process("lint", GUIDE, "--config", str(config), "--fail-on", "error").returncode
        == 0
    )


def test_bad_config_names_file_and_line(tmp_path: Path) -> None:
    config = tmp_path / "lint.yaml"
    config.write_text("lint:\n  fail-on: error\n  colour: red\n")
    result = run_cli_in_process("lint", GUIDE, "--config", str(config))
    assert result.returncode == 1
    assert result.stderr.startswith(f"{config}:3: colour: unknown key")


def test_roles_file_marks_weaviate_as_vector_db(tmp_path: Path) -> None:
    roles = tmp_path / "roles.yaml"
    roles.write_text("ai-agents/weaviate-0: vector-db\n")
    result = run_cli_in_process("lint", GUIDE, "--roles", str(roles), "--format", "json")
    wide = [
        f["object"]
        for f in json.loads(result.stdout)["findings"]
        if f["rule"] == "ingress-from-everywhere"
    ]
    assert "Pod/ai-agents/weaviate-0" in wide


def test_sarif_on_stdout() -> None:
    result = run_cli_in_process("lint", GUIDE, "--format", "sarif")
    log = json.loads(result.stdout)
    assert log["version"] == "2.1.0"
    assert {r["ruleId"] for r in log["runs"][0]["results"]} >= {"selector-matches-nothing"}


def test_invalid_manifest_is_one_line_and_exit_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: {app: Bad Value}}\n"
        "spec: {containers: []}\n"
    )
    result = run_cli_in_process("lint", str(bad))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert str(bad) in result.stderr


def test_removed_api_is_a_finding_not_a_stop(tmp_path: Path) -> None:
    old = tmp_path / "old.yaml"
    old.write_text(
        "apiVersion: extensions/v1beta1\nkind: NetworkPolicy\n"
        "metadata: {name: deny, namespace: ai}\nspec: {podSelector: {}}\n"
    )
    result = run_cli_in_process("lint", str(old), "--format", "json")
    [finding] = json.loads(result.stdout)["findings"]
    assert (finding["rule"], finding["line"]) == ("deprecated-api", 1)
    assert result.returncode == 1


@pytest.mark.parametrize("with_blueprint", [False, True])
def test_generated_default_blueprint_has_no_error(tmp_path: Path, with_blueprint: bool) -> None:
    policies = tmp_path / "policies"
    policies.mkdir()
    for name, text in generate(builtin()).files().items():
        (policies / name).write_text(text)
    args = ["lint", str(policies), "--format", "json"]
    if with_blueprint:
        blueprint = tmp_path / "blueprint.yaml"
        blueprint.write_text(template_text("ai-mesh"))
        args += ["--blueprint", str(blueprint)]
    result = run_cli_in_process(*args)
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["summary"]["error"] == 0
    if with_blueprint:
        assert "egress-to-internet" in _rules(result.stdout)
