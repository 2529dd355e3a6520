"""``netfence validate``: exit codes, one line per error, JSON output, modes, stdin."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner, Result

from netfence.cli.app import app
from tests.conftest import run_cli_in_process


def validate(*args: str, stdin: str | None = None) -> Result:
    """``netfence validate ARGS`` in-process (the subprocess tests below cover the real entry)."""
    return CliRunner().invoke(app, ["validate", *args], input=stdin)


GOOD = (
    "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
    "metadata: {name: good, namespace: ai}\nspec: {podSelector: {}}\n"
)
BAD = (
    "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
    "metadata: {name: bad, namespace: ai}\n"
    "spec:\n  podSelector: {}\n  ingress:\n  - from: [{}]\n    ports: [{port: 0}]\n"
    "  policyTypes: [Inbound]\n"
)
UNKNOWN = GOOD.replace("spec: {podSelector: {}}", "spec: {podSelector: {}, ingres: []}")


def _write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_guide_manifests_are_valid(guide_dir: Path) -> None:
    result = run_cli_in_process("validate", str(guide_dir))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "objects valid" in result.stdout


def test_every_error_is_one_line_and_exit_is_1(tmp_path: Path) -> None:
    path = _write(tmp_path, "bad.yaml", BAD)
    result = run_cli_in_process("validate", path)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert [line.split(": ")[2] for line in lines] == [
        "spec.ingress[0].ports[0].port",
        "spec.ingress[0].from[0]",
        "spec.policyTypes[0]",
    ]
    assert lines[0] == (
        f"{path}:8: NetworkPolicy/ai/bad: spec.ingress[0].ports[0].port: "
        "Invalid value: 0: must be between 1 and 65535, inclusive"
    )


def test_good_documents_are_not_held_back_by_a_bad_neighbour(tmp_path: Path) -> None:
    path = _write(
        tmp_path, "mixed.yaml", GOOD + "---\n" + BAD + "---\n" + GOOD.replace("good", "also")
    )
    result = validate("--format", "json", path)
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["valid"] is False
    assert report["documents"] == 2
    assert {e["object"] for e in report["errors"]} == {"NetworkPolicy/ai/bad"}
    assert [e["document"] for e in report["errors"]] == [1, 1, 1]


def test_json_report_of_valid_input(tmp_path: Path) -> None:
    result = validate("--format", "json", _write(tmp_path, "good.yaml", GOOD))
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {
        "valid": True,
        "documents": 1,
        "errors": [],
        "warnings": [],
        "skipped": [],
        "skipped_files": [],
        "not_evaluated": [],
    }


def test_unknown_field_modes(tmp_path: Path) -> None:
    path = _write(tmp_path, "unknown.yaml", UNKNOWN)
    strict = validate(path)
    warn = validate("--validate=warn", path)
    ignore = validate("--validate=ignore", path)
    assert strict.exit_code == 1
    assert 'unknown field "spec.ingres"' in strict.stderr
    assert warn.exit_code == 0
    assert warn.stderr.startswith("warning: ")
    assert (ignore.exit_code, ignore.stderr) == (0, "")


def test_removed_api_version_names_the_replacement(tmp_path: Path) -> None:
    path = _write(tmp_path, "old.yaml", GOOD.replace("networking.k8s.io/v1", "extensions/v1beta1"))
    result = validate(path)
    assert result.exit_code == 1
    (line,) = result.stderr.splitlines()
    assert line.endswith(
        "no longer served (removed in Kubernetes v1.16): use apiVersion networking.k8s.io/v1"
    )


def test_stdin(tmp_path: Path) -> None:
    result = run_cli_in_process("validate", "-", stdin=BAD.encode())
    assert result.returncode == 1
    assert result.stderr.startswith("-:8: NetworkPolicy/ai/bad: ")


def test_malformed_input_is_one_clear_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "broken.yaml", "kind: NetworkPolicy\nspec: {podSelector: [\n")
    result = run_cli_in_process("validate", path)
    assert result.returncode == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"{path}:") and "YAML syntax error" in line


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert validate().exit_code == 2
    assert validate("--validate=loose", _write(tmp_path, "g.yaml", GOOD)).exit_code == 2


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    result = validate(str(tmp_path / "absent.yaml"))
    assert result.exit_code == 1
    assert "no such file or folder" in result.stderr


def test_namespace_option_fills_missing_namespaces(tmp_path: Path) -> None:
    text = GOOD.replace(", namespace: ai", "")
    result = validate("-n", "Bad_NS", _write(tmp_path, "g.yaml", text))
    assert result.exit_code == 1
    assert "NetworkPolicy/Bad_NS/good: metadata.namespace: Invalid value" in result.stderr
