"""Rendering charts and kustomizations: the real tools when NETFENCE_K8S_BIN has them, stand-in
scripts for failures, deadlines and size limits, and no tool on PATH."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest

from netfence.load import load_paths
from netfence.load.render import render_folder, run_bounded

REPO = Path(__file__).resolve().parents[1] / "fixtures" / "realworld" / "mixed-repo"
K8S_BIN = os.environ.get("NETFENCE_K8S_BIN", "")


def _script(folder: Path, name: str, body: str) -> None:
    path = folder / name
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


def test_no_tool_on_path_names_the_command_to_pipe_in(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")
    chart = str(REPO / "deploy" / "chart")
    text, problem = render_folder("helm", chart, 1 << 20)
    assert text is None and problem is not None
    assert problem.severity == "warning"
    assert problem.message.endswith(f"helm template {chart} | netfence COMMAND -")
    _, problem = render_folder("kustomize", str(REPO / "deploy" / "kustomize"), 1 << 20)
    assert problem is not None and "kubectl or kustomize is not on PATH" in problem.message


def test_no_tool_is_an_error_with_strict_files(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")
    result = load_paths([str(REPO / "deploy")], strict_files=True)
    assert {p.severity for p in result.problems} == {"error"}
    assert len(result.problems) == 2


def test_a_failing_tool_is_one_line_with_its_stderr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _script(
        tmp_path, "helm", 'echo "Error: chart requires kubeVersion: >=1.40\n  at x" >&2\nexit 1\n'
    )
    monkeypatch.setenv("PATH", str(tmp_path))
    _, problem = render_folder("helm", "chart", 1 << 20)
    assert problem is not None and problem.severity == "error"
    assert problem.message == (
        "helm template chart failed: Error: chart requires kubeVersion: >=1.40 at x (exit 1)"
    )


def test_output_past_the_limit_stops_the_tool(tmp_path: Path) -> None:
    _script(tmp_path, "spew", "exec /usr/bin/yes 'a: b'\n")
    started = time.monotonic()
    output, failure = run_bounded([str(tmp_path / "spew")], 4096, 30)
    assert failure == "output larger than the limit of 4096 bytes"
    assert len(output) <= 4096
    assert time.monotonic() - started < 10


def test_a_tool_that_hangs_meets_the_deadline(tmp_path: Path) -> None:
    _script(tmp_path, "hang", "exec sleep 30\n")
    started = time.monotonic()
    _, failure = run_bounded([str(tmp_path / "hang")], 4096, 0.5)
    assert failure == "no result within 0.5 s"
    assert time.monotonic() - started < 5


def test_stand_in_tool_output_is_read_as_manifests(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: from-helm, namespace: x}\n"
    _script(tmp_path, "helm", f"/bin/cat <<'EOF'\n{pod}EOF\n")
    monkeypatch.setenv("PATH", str(tmp_path))
    result = load_paths([str(REPO / "deploy" / "chart")])
    (doc,) = result.documents
    assert doc.name == "from-helm"
    assert doc.source.file == f"helm template {REPO / 'deploy' / 'chart'}"


@pytest.mark.skipif(
    not os.path.isfile(os.path.join(K8S_BIN, "helm")), reason="NETFENCE_K8S_BIN has no helm"
)
def test_real_helm_and_kustomize_render_a_mixed_repository(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PATH", K8S_BIN)
    result = load_paths([str(REPO)])
    assert [p.render() for p in result.problems] == []
    names = sorted((d.kind, d.namespace, d.name) for d in result.documents)
    assert names == [
        ("NetworkPolicy", "backend", "api-from-gateway"),
        ("Pod", "backend", "api"),
        ("Pod", "edge", "gateway"),
    ]
    gateway = next(d for d in result.documents if d.name == "gateway")
    assert gateway.data["spec"]["containers"][0]["ports"][0]["containerPort"] == 8443


@pytest.mark.skipif(
    not os.path.isfile(os.path.join(K8S_BIN, "kustomize")),
    reason="NETFENCE_K8S_BIN has no kustomize",
)
def test_real_kustomize_build_when_kubectl_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    os.symlink(os.path.join(K8S_BIN, "kustomize"), tmp_path / "kustomize")
    monkeypatch.setenv("PATH", str(tmp_path))
    result = load_paths([str(REPO / "deploy" / "kustomize")])
    (doc,) = result.documents
    assert (doc.namespace, doc.name, doc.metadata()["labels"]["team"]) == (
        "backend",
        "api",
        "backend",
    )
