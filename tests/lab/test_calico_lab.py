"""Calico policies on the kernel: ordered tier chains agree with the engine cell by cell."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from netfence.inputs import read_inputs
from netfence.lab.nft import compile_ruleset
from tests.conftest import run_cli

CALICO = Path(__file__).parent / "fixtures" / "calico"
TIERS = Path(__file__).parent.parent / "fixtures" / "calico" / "tiers"


def _ruleset(endpoint: str) -> str:
    cluster = read_inputs([str(CALICO)]).cluster
    return compile_ruleset(cluster, next(e for e in cluster.endpoints if e.id == endpoint))


def _chain(text: str, name: str) -> str:
    start = text.index(f"chain {name} {{")
    return text[start : text.index("\t}", start)]


def _verdicts(chain: str) -> list[str]:
    return [line.split()[-1] for line in chain.splitlines() if line.strip().startswith("ip ")]


def test_hook_chain_jumps_to_the_tiers_in_order() -> None:
    hook = _chain(_ruleset("lab/probe"), "input")
    tiers = [line.split()[2] for line in hook.splitlines() if "# tier " in line]
    assert tiers == ["platform", "audit"]  # no policy of the default tier selects lab/probe
    assert hook.strip().endswith("jump calico2_ingress")


def test_deny_before_allow_then_pass_and_end_of_tier_deny() -> None:
    platform = _chain(_ruleset("shop/db"), "calico0_ingress")
    assert _verdicts(platform) == ["drop", "accept", "return", "return"]
    assert platform.rstrip().endswith("drop")  # tier platform denies what no rule matched
    assert "rule 1: Log" in platform  # a Log rule is a comment: evaluation continues


def test_pass_by_default_has_no_end_of_tier_drop() -> None:
    audit = _chain(_ruleset("lab/probe"), "calico2_ingress")
    assert _verdicts(audit) == ["drop"]
    assert "meta l4proto { udp } th dport { 9000 } drop" in audit
    assert "end of tier" not in audit


def test_named_port_range_and_not_ports_resolve_on_the_endpoint() -> None:
    cache = _chain(_ruleset("shop/cache"), "calico1_ingress")
    assert "meta l4proto { tcp } th dport { 6379 } accept" in cache  # named port http
    assert "meta l4proto { tcp } th dport { 1-5999, 7000-65535 } accept" in cache  # notPorts
    assert "th dport { 5000-6999, 9000 } accept" in _chain(
        _ruleset("shop/cache"), "calico0_ingress"
    )


def test_kubernetes_networkpolicy_sits_in_the_default_tier() -> None:
    default = _chain(_ruleset("shop/db"), "calico1_ingress")
    assert "# shop/db-from-web ingress[0]" in default
    assert "th dport { 5432 } accept" in default
    assert default.rstrip().endswith("drop")


def _cells(result: dict[str, Any]) -> dict[tuple[str, str], bool | None]:
    (query,) = result["queries"]
    return {(c["from"], c["to"]): c["allowed"] for c in query["matrix"]}


@pytest.mark.lab
@pytest.mark.parametrize(
    ("folder", "port", "protocol"),
    [
        (CALICO, "5432", "TCP"),  # Deny before Allow; default-tier NetworkPolicy
        (CALICO, "6500", "TCP"),  # a range Allow for the dev namespace
        (CALICO, "6500", "UDP"),  # UDP passed on; end of the default tier
        (CALICO, "9000", "UDP"),  # the audit tier after the default tier
        (CALICO, "http", "TCP"),  # a named port
        (TIERS, "5432", "TCP"),
        (TIERS, "8080", "UDP"),
    ],
)
def test_probe_matches_analyze_cell_by_cell(folder: Path, port: str, protocol: str) -> None:
    query = ("--port", port, "--protocol", protocol, "--format", "json")
    probed = run_cli("lab", "probe", str(folder), *query, timeout=300)
    analyzed = run_cli("analyze", str(folder), *query)
    assert probed.returncode == 0, probed.stderr
    assert analyzed.returncode == 0, analyzed.stderr
    measured, predicted = _cells(json.loads(probed.stdout)), _cells(json.loads(analyzed.stdout))
    assert measured.keys() == predicted.keys()
    untested = {pair for pair, allowed in measured.items() if allowed is None}
    assert all(src == dst for src, dst in untested)  # only self pairs on an unserved name
    assert {p: measured[p] for p in measured if p not in untested} == {
        p: predicted[p] for p in measured if p not in untested
    }
    if folder == CALICO and port == "5432":
        assert measured[("lab/probe", "shop/cache")] is False  # Deny before the Allow
        assert measured[("shop/web", "shop/db")] is True  # passed to the NetworkPolicy
        assert measured[("shop/cache", "shop/db")] is False  # the end of the default tier


@pytest.mark.lab
@pytest.mark.parametrize("folder", [CALICO, TIERS])
def test_verify_calico_policies_reports_no_difference(folder: Path) -> None:
    result = run_cli("lab", "verify", str(folder), timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no difference" in result.stdout
