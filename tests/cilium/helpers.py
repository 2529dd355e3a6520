"""Loading Cilium test inputs from text, and reading analyze's JSON cells."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from netfence.cli.app import app
from netfence.engine import Engine
from netfence.load import Limits, load_paths, load_text
from netfence.model import Cluster, build_cluster

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "cilium"
BASE = FIXTURES / "base"


def cluster_of(*texts: str) -> Cluster:
    """The model of YAML texts (the base topology not included)."""
    documents = []
    for index, text in enumerate(texts):
        result = load_text(text, f"input-{index}.yaml", "default", Limits())
        assert not result.problems, result.problems
        documents += result.documents
    return build_cluster(documents)


def scenario_cluster(scenario: Path) -> Cluster:
    result = load_paths([str(BASE), str(scenario)])
    assert not result.problems, result.problems
    return build_cluster(result.documents)


def base_with(text: str) -> Cluster:
    """The base topology plus the YAML ``text``."""
    result = load_paths([str(BASE)])
    extra = load_text(text, "policy.yaml", "default", Limits())
    assert not extra.problems, extra.problems
    return build_cluster([*result.documents, *extra.documents])


def analyze_json(*paths: str, port: str, protocol: str) -> dict[str, Any]:
    result = CliRunner().invoke(
        app, ["analyze", *paths, "--port", port, "--protocol", protocol, "--format", "json"]
    )
    assert result.exit_code == 0, result.stderr
    parsed: dict[str, Any] = json.loads(result.stdout)
    return parsed


def cell(analysis: dict[str, Any], src: str, dst: str) -> bool:
    """``allowed`` of one cell, read from ``matrix`` or ``external``."""
    query = analysis["queries"][0]
    for entry in (*query["matrix"], *query["external"]):
        if (entry["from"], entry["to"]) == (src, dst):
            return bool(entry["allowed"])
    raise KeyError((src, dst))


def allowed(engine: Engine, src: str, dst: str, port: str) -> bool:
    number, _, protocol = port.partition("/")
    return engine.verdict(src, dst, int(number), protocol or "TCP").allowed  # type: ignore[arg-type]
