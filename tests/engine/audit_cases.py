"""Audit cases after the upstream Kubernetes e2e NetworkPolicy suite, with hand-written
expectations: namespaces x, y, z (labelled ns=...) holding pods a, b, c (labelled pod=...), each
serving 80 and 81 over TCP, UDP and SCTP as serve-80-tcp, serve-81-udp, ...

Each folder of ``audit_fixtures/`` holds ``policies.yaml`` and ``expected.yaml``: per query, a
grid with one row per source and one digit per destination (1 = allowed), in the order of
``nodes`` (default: the nine pods). ``cluster`` says which base cluster the case runs on: ``ip``
(pods with status.podIP), ``noip`` (none), ``dual`` (IPv4 and IPv6); without it, both ``ip``
and ``noip``. Queries under ``ignore`` hold for ``--ipblock-pods ignore``.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from typer.testing import CliRunner

from netfence.cli.app import app
from tests.conftest import run_cli

FIXTURES = Path(__file__).parent / "audit_fixtures"
PODS = tuple(f"{ns}/{pod}" for ns in "xyz" for pod in "abc")


@dataclass(frozen=True)
class Query:
    port: int | str
    protocol: str
    reading: str
    expected: dict[tuple[str, str], bool]


@dataclass(frozen=True)
class Case:
    name: str
    clusters: tuple[str, ...]
    queries: tuple[Query, ...]

    def directory(self, cluster: str, into: Path) -> Path:
        """A folder holding the base cluster and the case's manifests, as a user would pass."""
        into.mkdir(parents=True, exist_ok=True)
        shutil.copy(FIXTURES / f"cluster-{cluster}.yaml", into / "cluster.yaml")
        shutil.copy(FIXTURES / self.name / "policies.yaml", into / "policies.yaml")
        return into


def _grid(nodes: list[str], text: str) -> dict[tuple[str, str], bool]:
    rows = [line.split(maxsplit=1) for line in text.strip().splitlines()]
    assert [label for label, _ in rows] == [n.replace("/", "") for n in nodes], rows
    cells: dict[tuple[str, str], bool] = {}
    for src, (_, digits) in zip(nodes, rows, strict=True):
        row = digits.replace(" ", "")
        assert len(row) == len(nodes), (src, row)
        cells.update({(src, dst): bit == "1" for dst, bit in zip(nodes, row, strict=True)})
    return cells


def _queries(nodes: list[str], entries: list[dict[str, Any]], reading: str) -> list[Query]:
    return [Query(e["port"], e["protocol"], reading, _grid(nodes, e["allowed"])) for e in entries]


def load_cases() -> list[Case]:
    cases = []
    for folder in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
        spec = yaml.safe_load((folder / "expected.yaml").read_text())
        nodes = list(spec.get("nodes", PODS))
        queries = _queries(nodes, spec["queries"], "match")
        queries += _queries(nodes, spec.get("ignore", []), "ignore")
        clusters = (spec["cluster"],) if "cluster" in spec else ("ip", "noip")
        cases.append(Case(folder.name, clusters, tuple(queries)))
    return cases


def measured(command: str, directory: Path, query: Query) -> dict[tuple[str, str], bool]:
    """The cells ``netfence analyze`` or ``netfence lab probe`` prints for ``query``."""
    args = [*command.split(), str(directory), "--port", str(query.port)]
    args += ["--protocol", query.protocol, "--format", "json", "--ipblock-pods", query.reading]
    if command == "analyze":  # in-process: the same typer app, without a Python start-up
        invoked = CliRunner().invoke(app, args)
        assert invoked.exit_code == 0, invoked.output
        output = invoked.stdout
    else:
        result = run_cli(*args, timeout=120)
        assert result.returncode == 0, result.stdout + result.stderr
        output = result.stdout
    (answer,) = json.loads(output)["queries"]
    return {(c["from"], c["to"]): c["allowed"] for c in answer["matrix"]}


def differences(
    expected: dict[tuple[str, str], bool], got: dict[tuple[str, str], bool]
) -> list[str]:
    """Cells whose measured value differs from the expectation (a missing cell counts)."""
    return [
        f"{src} -> {dst}: expected {'allowed' if want else 'denied'}, got {got.get((src, dst))}"
        for (src, dst), want in expected.items()
        if got.get((src, dst)) is not want
    ]
