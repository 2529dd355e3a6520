"""``netfence plan``, ``generate`` and ``init`` as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner, Result

from netfence.blueprint import builtin, generate, template_text
from netfence.blueprint.jsonschema import SCHEMA_LINE
from netfence.cli.app import app

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, cwd: Path) -> Result:
    """The CLI in-process, from ``cwd``, with a wide terminal."""
    previous = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner(env={"COLUMNS": "200", "NO_COLOR": "1"}).invoke(app, list(args))
    finally:
        os.chdir(previous)


def test_plan_without_arguments_as_a_new_user_runs_it(tmp_path: Path) -> None:
    env = dict(os.environ, COLUMNS="200", NO_COLOR="1", PYTHONPATH=str(ROOT / "src"))
    result = subprocess.run(
        [sys.executable, "-m", "netfence", "plan"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Proof holds" in result.stdout
    assert "gateway-to-vllm" in result.stdout
    assert "default/test-pod (the guide's step-8 test pod): denied to every" in result.stdout
    written = {p.name: p.read_text() for p in (tmp_path / "netfence-out").iterdir()}
    assert written == generate(builtin()).files()
    again = run("plan", cwd=tmp_path)
    assert again.exit_code == 0, again.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["netfence-out"]


def test_plan_that_fails_the_proof_writes_nothing(tmp_path: Path) -> None:
    result = run("plan", "--template", "guide", cwd=tmp_path)
    assert result.exit_code == 1
    assert "Proof FAILS" in result.stdout
    assert "default/test-pod" in result.stdout
    assert list(tmp_path.iterdir()) == []


def test_plan_streams_manifests_and_reports_on_stderr(tmp_path: Path) -> None:
    result = run("plan", "-o", "-", cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == generate(builtin()).stream()
    assert "Proof holds" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_plan_json(tmp_path: Path) -> None:
    result = run("plan", "--format", "json", "-o", "out", cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["holds"] and report["proof"]["offending"] == []
    assert {f["id"] for f in report["flows"]} >= {"gateway-to-vllm", "dns"}
    assert (tmp_path / "out" / "kustomization.yaml").is_file()


def test_plan_refuses_to_replace_a_foreign_folder(tmp_path: Path) -> None:
    (tmp_path / "netfence-out").mkdir()
    (tmp_path / "netfence-out" / "mine.txt").write_text("keep")
    result = run("plan", cwd=tmp_path)
    assert result.exit_code == 2
    assert "not an earlier netfence output" in result.stderr
    assert (tmp_path / "netfence-out" / "mine.txt").read_text() == "keep"


def test_plan_on_cluster_manifests(tmp_path: Path, guide_dir: Path) -> None:
    result = run("plan", "--cluster-manifests", str(guide_dir / "00-cluster.yaml"), cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    assert "Proof on the given manifests" in result.stdout
    assert "ai-inference/vllm-0" in result.stdout


def test_bad_blueprint_is_one_line_per_mistake(tmp_path: Path) -> None:
    path = tmp_path / "bp.yaml"
    text = template_text()
    line = text[: text.index("ports: [8000/TCP]")].count("\n") + 1
    path.write_text(text.replace("ports: [8000/TCP]", "ports: [80000]"))
    result = run("plan", str(path), cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"{path}:{line}: flows[2].ports[0]: port 80000 is out of range (1-65535)"
    ]


def test_file_and_template_together_is_a_usage_error(tmp_path: Path) -> None:
    result = run("plan", "x.yaml", "--template", "guide", cwd=tmp_path)
    assert result.exit_code == 2


def test_init_then_plan_the_copy(tmp_path: Path) -> None:
    assert run("init", cwd=tmp_path).exit_code == 0
    assert (tmp_path / "blueprint.yaml").read_text() == f"{SCHEMA_LINE}\n{template_text()}"
    refused = run("init", "--template", "guide", cwd=tmp_path)
    assert refused.exit_code == 2 and "--force" in refused.stderr
    assert run("init", "--template", "guide", "--force", cwd=tmp_path).exit_code == 0
    assert (tmp_path / "blueprint.yaml").read_text() == f"{SCHEMA_LINE}\n{template_text('guide')}"
    assert run("plan", "blueprint.yaml", cwd=tmp_path).exit_code == 1


@pytest.mark.parametrize("template", ["ai-mesh", "guide"])
def test_generate_writes_without_proving(tmp_path: Path, template: str) -> None:
    result = run("generate", "--template", template, "-o", "policies", cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    written = {p.name: p.read_text() for p in (tmp_path / "policies").iterdir()}
    assert written == generate(builtin(template)).files()


@pytest.mark.parametrize("template", ["ai-mesh", "guide"])
def test_schema_validates_what_init_writes(tmp_path: Path, template: str) -> None:
    import jsonschema

    result = run("schema", "blueprint", cwd=tmp_path)
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    written = run("init", "--template", template, "-o", "-", cwd=tmp_path).stdout
    assert written.startswith("# yaml-language-server: $schema=blueprint.schema.json\n")
    jsonschema.validate(yaml.safe_load(written), schema)
    broken = yaml.safe_load(written)
    broken["flows"][0]["ports"] = ["443/TCPX"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def test_plan_proof_says_what_it_does_not_evaluate(tmp_path: Path) -> None:
    from netfence.blueprint import synthesize

    istio = {
        "apiVersion": "security.istio.io/v1",
        "kind": "AuthorizationPolicy",
        "metadata": {"name": "l7", "namespace": "ai-agents"},
        "spec": {},
    }
    pods = [*synthesize(builtin("ai-mesh")), istio]
    (tmp_path / "cluster.yaml").write_text(yaml.safe_dump_all(pods))
    args = ["plan", "--cluster-manifests", "cluster.yaml", "-o", "out"]
    text = run(*args, cwd=tmp_path)
    assert text.exit_code == 0, text.stderr
    assert "1 AuthorizationPolicy object is not evaluated: verdicts ignore it" in text.stderr
    assert "The proof does not cover them: 1 AuthorizationPolicy object" in text.stdout
    assert "Proof holds (for NetworkPolicy objects)" in text.stdout
    data = json.loads(run(*args, "--format", "json", "-o", "out2", cwd=tmp_path).stdout)
    assert data["proof"]["not_evaluated"] == [
        {
            "kind": "AuthorizationPolicy",
            "apiVersion": "security.istio.io/v1",
            "object": "ai-agents/l7",
        }
    ]
