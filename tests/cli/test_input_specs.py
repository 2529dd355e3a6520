"""Every command reads its input through one front door, so every command takes the same
specs: manifest paths, ``builtin:NAME``, and a blueprint file."""

from __future__ import annotations

from pathlib import Path

import pytest

from netfence.blueprint import template_text
from tests.conftest import ROOT, run_cli_in_process

COMMANDS = [
    ("validate", "{}"),
    ("analyze", "{} --port 8000 --format json"),
    ("explain", "{} gateway/gateway ai-inference/vllm 8000"),
    ("lint", "{} --fail-on never"),
    ("diff", "examples/guide-literal {} --format json"),
    ("report", "{} -o {out}/report.html"),
    ("lab", "rules ai-inference/vllm {}"),
    ("plan", "-o {out}/plan --cluster-manifests {}"),
]


@pytest.mark.parametrize(("command", "arguments"), COMMANDS, ids=[c for c, _ in COMMANDS])
@pytest.mark.parametrize("spec", ["builtin", "file"])
def test_every_command_takes_a_blueprint(
    command: str, arguments: str, spec: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    path = tmp_path / "blueprint.yaml"
    path.write_text(template_text("ai-mesh"))
    given = "builtin:ai-mesh" if spec == "builtin" else str(path)
    args = arguments.format(given, out=tmp_path).split()
    result = run_cli_in_process(command, *args)
    assert result.returncode == 0, result.stderr


def test_an_unknown_builtin_is_one_line_naming_the_choices() -> None:
    result = run_cli_in_process("analyze", "builtin:nope")
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "builtin:nope: no such blueprint (use builtin:ai-mesh, builtin:guide)"
    )


def test_verify_reads_builtin_and_manifest_files(stand_in_kubeconfig: Path, tmp_path: Path) -> None:
    kube = ("--kubeconfig", str(stand_in_kubeconfig), "--format", "json")
    default = run_cli_in_process("verify", *kube)
    builtin = run_cli_in_process("verify", "builtin:ai-mesh", *kube)
    assert (default.returncode, builtin.returncode) == (1, 1)
    assert builtin.stdout == default.stdout
    # plan's files without the kustomization (read as plain manifests, no kustomize needed):
    # the stream (plan -o -) holds policies only, namespace-labels.yaml the labels
    manifests = tmp_path / "policies"
    assert run_cli_in_process("plan", "-o", str(manifests)).returncode == 0
    (manifests / "kustomization.yaml").unlink()
    from_file = run_cli_in_process("verify", str(manifests), *kube)
    assert from_file.returncode == 1, from_file.stderr
    assert from_file.stdout == default.stdout
