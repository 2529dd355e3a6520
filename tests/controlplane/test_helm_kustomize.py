"""The real ``helm template``, ``kustomize build`` and ``kubectl kustomize`` output, read by
``netfence analyze -`` from stdin: what the tools render is what netfence analyses."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from netfence.vocabulary import NAMESPACE_LABELS_FILE
from tests.conftest import EXAMPLES, run_cli

pytestmark = pytest.mark.controlplane

CHART = Path(__file__).parent / "fixtures" / "chart"


def render(*command: str) -> bytes:
    result = subprocess.run(command, capture_output=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr.decode()
    return result.stdout


def analyze_stdin(manifests: bytes, *options: str) -> dict[str, Any]:
    result = run_cli("analyze", "-", "--format", "json", *options, stdin=manifests)
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def allowed(report: dict[str, Any]) -> set[tuple[str, str]]:
    (query,) = report["queries"]
    return {(c["from"], c["to"]) for c in query["matrix"] if c["allowed"]}


@pytest.mark.parametrize("allow_from", ["frontend", "batch"])
def test_helm_template_output_is_analysed(k8s_tools_on_path: Path, allow_from: str) -> None:
    rendered = render(
        "helm",
        "template",
        "demo",
        str(CHART),
        "--namespace",
        "shop",
        "--set",
        f"allowFrom={allow_from}",
    )
    assert b"name: demo-web-api" in rendered
    report = analyze_stdin(rendered, "--port", "8080")
    into_api = {src for src, dst in allowed(report) if dst == "shop/api" and src != dst}
    # The policy selects the api and admits only the app the values name, on port "http".
    assert into_api == {f"shop/{allow_from}"}
    assert ("shop/api", "shop/frontend") in allowed(report)


@pytest.mark.parametrize("tool", [("kustomize", "build"), ("kubectl", "kustomize")])
def test_kustomize_output_reads_like_the_folder(
    k8s_tools_on_path: Path, tool: tuple[str, str]
) -> None:
    folder = EXAMPLES / "ai-mesh"
    rendered = render(*tool, str(folder))
    assert rendered.count(b"kind: NetworkPolicy") >= 4
    # The namespace labels live beside the kustomization, not in it: the folder reads them,
    # and a user piping the tools' output names the file too, as README shows.
    labels = str(folder / NAMESPACE_LABELS_FILE)
    from_folder = run_cli("analyze", str(folder), "--format", "json", "--port", "8000")
    assert from_folder.returncode == 0, from_folder.stderr
    assert analyze_stdin(rendered, labels, "--port", "8000") == json.loads(from_folder.stdout)
