"""Golden outputs of every command over the realistic fixtures, one file per fixture, command
and format (``tests/cli/golden/<fixture>/<command>.<format>``), in the manner of
netpol-analyzer's tests: regenerate with ``pytest --update-golden`` and review the diff.

The lab's measured matrix is in ``tests/lab/test_golden_lab.py`` (it needs root).
Fixtures: the guide's literal manifests (``examples/guide-literal``) and the built-in ai-mesh
blueprint (``builtin:ai-mesh``: its policies on its stand-in pods). Commands run in this
process through the real entry point, from the repository root (paths stay relative).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import ROOT, Golden, run_cli_in_process

FIXTURES = {"guide": "examples/guide-literal", "ai-mesh": "builtin:ai-mesh"}
SUFFIX = {"text": "txt", "json": "json", "md": "md", "sarif": "sarif", "csv": "csv"}
EXPLAINED = {
    "guide": ("ai-inference/vllm-0", "ai-data/minio-0", "443/TCP"),
    "ai-mesh": ("gateway/gateway", "ai-inference/vllm", "8000/TCP"),
}
BLOCKED = {
    "guide": ("default/test-pod", "ai-inference/vllm-0", "8000/TCP"),
    "ai-mesh": ("default/test-pod", "ai-inference/vllm", "8000/TCP"),
}


def output_of(*args: str, exit_codes: tuple[int, ...] = (0,)) -> str:
    result = run_cli_in_process(*args)
    assert result.returncode in exit_codes, result.stderr
    return result.stdout


@pytest.fixture(autouse=True)
def at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


@pytest.mark.parametrize("fixture", sorted(FIXTURES))
@pytest.mark.parametrize("fmt", ["text", "json", "md", "csv"])
def test_analyze(fixture: str, fmt: str, golden: Golden) -> None:
    text = output_of("analyze", FIXTURES[fixture], "--format", fmt)
    golden.check(f"{fixture}/analyze.{SUFFIX[fmt]}", text)


@pytest.mark.parametrize("fixture", sorted(FIXTURES))
@pytest.mark.parametrize("case", ["allowed", "blocked"])
def test_explain(fixture: str, case: str, golden: Golden) -> None:
    src, dst, port = (EXPLAINED if case == "allowed" else BLOCKED)[fixture]
    text = output_of("explain", FIXTURES[fixture], src, dst, port)
    golden.check(f"{fixture}/explain-{case}.txt", text)


@pytest.mark.parametrize("fixture", sorted(FIXTURES))
@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_lint(fixture: str, fmt: str, golden: Golden) -> None:
    text = output_of("lint", FIXTURES[fixture], "--format", fmt, exit_codes=(0, 1))
    golden.check(f"{fixture}/lint.{SUFFIX[fmt]}", text)


@pytest.mark.parametrize("fmt", ["text", "md"])  # JSON: tests/diff/golden (240 KB here)
def test_diff_from_the_guide_to_the_blueprint(fmt: str, golden: Golden) -> None:
    text = output_of("diff", FIXTURES["guide"], FIXTURES["ai-mesh"], "--format", fmt)
    golden.check(f"ai-mesh/diff-from-guide.{SUFFIX[fmt]}", text)


@pytest.mark.parametrize("template", ["ai-mesh", "guide"])
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_plan(
    template: str, fmt: str, golden: Golden, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    holds = template == "ai-mesh"  # the guide's own topology fails the proof, as it should
    args = ("plan", "--template", template, "-o", "out", "--format", fmt)
    text = output_of(*args, exit_codes=(0,) if holds else (1,))
    golden.check(f"{template}/plan.{SUFFIX[fmt]}", text)


def test_plan_on_the_guide_manifests(
    golden: Golden, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    manifests = ROOT / FIXTURES["guide"] / "00-cluster.yaml"
    monkeypatch.chdir(tmp_path)
    args = ("plan", "-o", "out", "--format", "json", "--cluster-manifests", str(manifests))
    text = output_of(*args).replace(str(ROOT), "ROOT")
    golden.check("guide/plan-on-manifests.json", text)


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_verify_a_cluster_without_policies(
    fmt: str, golden: Golden, stand_in_kubeconfig: Path
) -> None:
    args = ("verify", "--kubeconfig", str(stand_in_kubeconfig), "--format", fmt)
    golden.check(f"ai-mesh/verify.{SUFFIX[fmt]}", output_of(*args, exit_codes=(1,)))
