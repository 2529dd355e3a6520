"""Tiered policy sets on the kernel: the lab's nftables chains agree with the engine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from netfence.engine import Engine
from netfence.inputs import read_inputs
from netfence.lab.nft import compile_ruleset
from tests.conftest import run_cli

TIERED = Path(__file__).parent / "fixtures" / "tiered"


def _ruleset(endpoint: str) -> str:
    cluster = read_inputs([str(TIERED)]).cluster
    return compile_ruleset(cluster, next(e for e in cluster.endpoints if e.id == endpoint))


def test_admin_rules_jump_first_with_accept_drop_and_return() -> None:
    text = _ruleset("z/b")
    assert text.index("jump admin_ingress") < text.index("# z/y-only-from-z ingress[0]")
    chain = text[text.index("chain admin_ingress") : text.index("chain input")]
    verdicts = [line.split()[-1] for line in chain.splitlines() if line.strip().startswith("ip ")]
    assert verdicts == ["accept", "return", "drop"]


def test_baseline_chain_only_for_pods_no_networkpolicy_isolates() -> None:
    assert "jump baseline_ingress" in _ruleset("x/a")
    assert "baseline_ingress" not in _ruleset("z/b")


@pytest.mark.lab
def test_verify_tiered_policies_cell_by_cell() -> None:
    result = run_cli("lab", "verify", str(TIERED), timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no difference" in result.stdout


@pytest.mark.lab
@pytest.mark.parametrize(("port", "protocol"), [("80", "TCP"), ("81", "UDP")])
def test_probe_tiered_matches_the_engine(port: str, protocol: str) -> None:
    result = run_cli(
        "lab", "probe", str(TIERED), "--port", port, "--protocol", protocol, "--format", "json"
    )
    assert result.returncode == 0, result.stderr
    cells = {
        (c["from"], c["to"]): c["allowed"]
        for c in json.loads(result.stdout)["queries"][0]["matrix"]
    }
    matrix = Engine(read_inputs([str(TIERED)]).cluster).matrix(int(port), protocol)  # type: ignore[arg-type]
    assert cells == {pair: matrix.cell(*pair) for pair in cells}
    assert cells[("x/a", "z/a")] is (port == "80")  # Admin Allow on the named port only
    assert cells[("y/a", "z/b")] is True  # passed on to z/b's NetworkPolicy, which admits y/a
    assert cells[("y/b", "z/b")] is False  # ... and no other pod
    assert cells[("x/b", "z/a")] is False  # Admin Deny
