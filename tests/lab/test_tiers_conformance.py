"""Conformance scenarios (tests/tiers) through ``netfence lab probe`` on this machine's kernel."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.tiers.houses import dump, world
from tests.tiers.test_conformance import CASES, Case

pytestmark = pytest.mark.lab
PROBED = (
    "admin-deny-egress-before-accept",
    "admin-accept-at-ports-then-deny-everything-else",
    "admin-pass-at-ports-to-networkpolicy",
    "priority-updated-pass-wins-then-baseline",
    "integration-admin-pass-to-baseline",
    "admin-allow-overrides-networkpolicy-deny-all",
    "baseline-deny-overridden-by-networkpolicy",
    "cnp-inline-cidr-matches-pod-addresses",
    "anp-named-port-ingress",
    "cnp-udp-accept-then-deny",
)


@pytest.mark.parametrize("item", [c for c in CASES if c.name in PROBED], ids=lambda c: c.name)
def test_conformance_case_on_the_kernel(item: Case, tmp_path: Path) -> None:
    (tmp_path / "world.yaml").write_text(dump(world(item.forest) + item.extra))
    (tmp_path / "policies.yaml").write_text(dump(item.policies))
    services = sorted({c.service for c in item.cells if not c.service.endswith("/SCTP")})
    for service in services:
        port, protocol = service.split("/")
        result = run_cli(
            "lab",
            "probe",
            str(tmp_path),
            "--port",
            port,
            "--protocol",
            protocol,
            "--format",
            "json",
            timeout=300,
        )
        assert result.returncode == 0, result.stderr
        (query,) = json.loads(result.stdout)["queries"]
        got = {(c["from"], c["to"]): c["allowed"] for c in query["matrix"]}
        for cell in (c for c in item.cells if c.service == service):
            assert got[(cell.src, cell.dst)] == cell.allowed, (service, cell)
