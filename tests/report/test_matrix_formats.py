"""Every ``analyze --format`` on the guide's manifests, against reviewed golden files
(regenerate with ``pytest --update-golden``)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.conftest import Golden, run_cli, run_cli_in_process

FORMATS = {"text": "txt", "json": "json", "csv": "csv", "md": "md", "dot": "dot", "mermaid": "mmd"}


@pytest.mark.parametrize("output", sorted(FORMATS))
def test_guide_matrix_matches_golden(output: str, guide_dir: Path, golden: Golden) -> None:
    result = run_cli_in_process("analyze", str(guide_dir), "--format", output)
    assert result.returncode == 0, result.stderr
    golden.check(f"guide.{FORMATS[output]}", result.stdout.replace(str(guide_dir), "GUIDE"))


def test_csv_and_json_hold_the_same_cells(guide_dir: Path) -> None:
    document = json.loads(run_cli_in_process("analyze", str(guide_dir), "--format", "json").stdout)
    rows = list(
        csv.DictReader(
            io.StringIO(run_cli_in_process("analyze", str(guide_dir), "--format", "csv").stdout)
        )
    )
    from_json = {
        (str(q["port"]), q["protocol"], c["from"], c["to"], c["allowed"])
        for q in document["queries"]
        for c in q["matrix"] + q["external"]
    }
    from_csv = {
        (r["port"], r["protocol"], r["from"], r["to"], r["allowed"] == "true") for r in rows
    }
    assert from_csv == from_json


def test_large_clusters_get_namespace_totals(tmp_path: Path) -> None:
    pods = [
        "apiVersion: v1\nkind: Pod\n"
        f"metadata: {{name: p{i}, namespace: n{i % 3}, labels: {{app: a{i}}}}}\n"
        "spec: {containers: [{name: c, image: i, ports: [{containerPort: 80}]}]}\n"
        for i in range(45)
    ]
    (tmp_path / "pods.yaml").write_text("---\n".join(pods))
    result = run_cli("analyze", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "80/TCP: allowed pairs per namespace" in result.stdout
    assert "225/225" in result.stdout
