"""Cilium policies on the kernel: L3/L4 rules agree with the engine, and FQDN egress is
proven by name: DNS answers fill the endpoint's sets, unresolved addresses stay blocked."""

from __future__ import annotations

import asyncio
import dataclasses
import ipaddress
import json
from pathlib import Path
from typing import Any

import pytest

from netfence.inputs import InputOptions, read_inputs, resolve
from netfence.lab.addresses import fqdn_address, with_lab_addresses
from netfence.lab.fqdn import fills, lookup_name
from netfence.lab.nft import CompiledRuleset
from netfence.lab.probe import Prober
from netfence.lab.runs import LabOptions, external_specs, lab_engine, name_service
from netfence.lab.servers import Listener, Servers
from netfence.lab.session import Lab
from netfence.lab.topology import LabNode
from tests.conftest import run_cli

SCENARIOS = Path(__file__).parent.parent / "fixtures" / "cilium"
BASE = SCENARIOS / "base"
CLIENT = "cilium-test/client"


def _compiled(scenario: str, endpoint: str = CLIENT) -> CompiledRuleset:
    """The endpoint's ruleset as a lab of the scenario compiles it (with its externals)."""
    cluster = read_inputs([str(BASE), str(SCENARIOS / scenario)]).cluster
    engine = lab_engine(cluster, LabOptions())
    lab = Lab(cluster, external_specs(engine), engine.options.ipblock_pods)
    lab.entry.close()
    return CompiledRuleset(lab.rulesets[endpoint], lab.fqdn_sets.get(endpoint, ()))


def test_lookup_names_make_wildcards_concrete() -> None:
    assert lookup_name("api.openai.com") == "api.openai.com"
    assert lookup_name("*.githubusercontent.com") == "netfence-lab.githubusercontent.com"
    assert lookup_name("**.cilium.io") == "netfence-lab.cilium.io"
    assert lookup_name("api-*.example.com") == "api-netfence-lab.example.com"


def test_fqdn_rule_is_an_empty_set_the_dns_proxy_fills() -> None:
    compiled = _compiled("client-egress-to-fqdns")
    (fqdn,) = compiled.fqdn_sets
    assert f"set {fqdn.name} {{\n\t\ttype ipv4_addr;\n\t}}" in compiled.text  # no elements
    assert f"ip daddr @{fqdn.name} meta l4proto {{ tcp }} th dport {{ 443 }} accept" in (
        compiled.text
    )
    assert fills(compiled.fqdn_sets, ["one.one.one.one", "netfence-lab.cilium.io"]) == {
        "one.one.one.one": (fqdn.name,)
    }


def test_without_a_dns_rule_covering_the_name_nothing_fills_the_set() -> None:
    compiled = _compiled("fqdn-without-dns")
    assert len(compiled.fqdn_sets) == 1
    assert fills(compiled.fqdn_sets, ["one.one.one.one", "netfence-lab.cilium.io"]) == {}
    assert fills(compiled.fqdn_sets, ["docs.cilium.io"]) == {
        "docs.cilium.io": (compiled.fqdn_sets[0].name,)
    }


def test_deny_rules_drop_before_allow_rules_accept() -> None:
    text = _compiled("client-egress-to-cidr-deny").text
    deny = text.index("egressDeny[0]: Deny")
    allow = text.index("egress[0]: Allow")
    assert deny < allow
    assert "c0_egd0_g0_v4" in text and "c0_eg0_g0_v4" in text  # sets named apart


def _cells(result: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    (query,) = result["queries"]
    return {(c["from"], c["to"]): c for c in (*query["matrix"], *query.get("external", ()))}


@pytest.mark.lab
@pytest.mark.parametrize(
    ("scenario", "reached"),
    [("client-egress-to-fqdns", True), ("fqdn-without-dns", False)],
)
def test_fqdn_cells_are_probed_by_name_and_agree_with_analyze(scenario: str, reached: bool) -> None:
    query = ("--port", "443", "--protocol", "TCP", "--format", "json")
    folders = (str(BASE), str(SCENARIOS / scenario))
    probed = run_cli("lab", "probe", *folders, *query, timeout=300)
    analyzed = run_cli("analyze", *folders, *query)
    assert probed.returncode == 0, probed.stderr
    measured, predicted = _cells(json.loads(probed.stdout)), _cells(json.loads(analyzed.stdout))
    cell = measured[(CLIENT, "fqdn:one.one.one.one")]
    assert cell["allowed"] is reached
    # the name resolves either way; without a DNS rule the answer teaches the proxy nothing
    assert "resolved one.one.one.one" in cell["note"]
    tested = {pair: c["allowed"] for pair, c in measured.items() if c["allowed"] is not None}
    assert any(dst.startswith("fqdn:") for _, dst in tested)
    assert tested == {pair: predicted[pair]["allowed"] for pair in tested}


@pytest.mark.lab
def test_an_address_the_endpoint_did_not_resolve_stays_blocked() -> None:
    cluster = resolve(["builtin:ai-mesh"], InputOptions(dialect="cilium")).cluster
    engine = lab_engine(cluster, LabOptions())
    addressed = with_lab_addresses(cluster)
    with Lab(addressed, external_specs(engine), engine.options.ipblock_pods) as lab:
        agent = _node(lab, "ai-agents/agent")
        api = _node(lab, "fqdn:api.openai.com")
        pattern = _node(lab, "fqdn:*.githubusercontent.com")
        asyncio.run(_probe_by_address_then_name(lab, agent, api, pattern))


def _node(lab: Lab, ident: str) -> LabNode:
    node = lab.topology.node(ident)
    assert node is not None, ident
    return node


async def _probe_by_address_then_name(
    lab: Lab, agent: LabNode, api: LabNode, pattern: LabNode
) -> None:
    servers = Servers(lab.entry)
    await servers.start(
        [Listener(n.namespace, n.ident, port, "TCP") for n in (api, pattern) for port in (443, 80)]
    )
    try:
        direct = Prober(lab.entry, 0.5)
        by_address = dataclasses.replace(api, lookup="")
        assert (await direct.probe(agent, by_address, 443, "TCP")).allowed is False
        with name_service(lab) as names:
            named = Prober(lab.entry, 0.5, names=names)
            assert (await named.probe(agent, api, 443, "TCP")).allowed is True
            assert (await named.probe(agent, pattern, 443, "TCP")).allowed is True
            assert (await named.probe(agent, api, 80, "TCP")).allowed is False  # port 443 only
        # the address is in the agent's set now that the agent resolved it (as in Cilium)
        assert (await direct.probe(agent, by_address, 443, "TCP")).allowed is True
    finally:
        await servers.close()


@pytest.mark.lab
@pytest.mark.parametrize(
    "scenario",
    ["client-egress-to-fqdns", "fqdn-without-dns", "client-egress-to-cidr-deny", "knp-and-cnp"],
)
def test_verify_cilium_scenarios_reports_no_difference(scenario: str) -> None:
    result = run_cli("lab", "verify", str(BASE), str(SCENARIOS / scenario), timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no difference" in result.stdout


@pytest.mark.lab
def test_cilium_plan_of_the_builtin_blueprint_verifies_and_the_agent_reaches_only_names() -> None:
    verified = run_cli("lab", "verify", "--dialect", "cilium", timeout=900)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "no difference" in verified.stdout
    query = ("--port", "443", "--format", "json", "--dialect", "cilium")
    probed = run_cli("lab", "probe", *query, timeout=300)
    assert probed.returncode == 0, probed.stderr
    outside = {
        dst: c["allowed"]
        for (src, dst), c in _cells(json.loads(probed.stdout)).items()
        if src == "ai-agents/agent" and dst.startswith(("ext:", "fqdn:"))
    }
    reached = {dst for dst, allowed in outside.items() if allowed}
    assert reached == {
        "fqdn:api.openai.com",
        "fqdn:api.anthropic.com",
        "fqdn:*.githubusercontent.com",
    }
    assert all(allowed is False for dst, allowed in outside.items() if dst.startswith("ext:"))


def test_fqdn_addresses_avoid_every_narrow_cidr_but_not_whole_families() -> None:
    avoid = [ipaddress.ip_network("0.0.0.0/0"), ipaddress.ip_network("198.18.0.0/15")]
    chosen = fqdn_address(avoid, set())
    assert chosen == ipaddress.IPv4Address("100.64.0.1")
    assert fqdn_address([ipaddress.ip_network("0.0.0.0/0")], {chosen}) == ipaddress.IPv4Address(
        "198.18.0.1"
    )


def test_dialect_applies_to_blueprints_only() -> None:
    result = run_cli("lab", "rules", CLIENT, str(BASE), "--dialect", "cilium")
    assert result.returncode == 2
    assert "--dialect applies to a blueprint" in result.stderr


def test_rules_of_the_cilium_plan_hold_the_agents_fqdn_sets() -> None:
    result = run_cli("lab", "rules", "ai-agents/agent", "--dialect", "cilium")
    assert result.returncode == 0, result.stderr
    assert "_fqdn {" in result.stdout
    assert "th dport { 443 } accept" in result.stdout


@pytest.mark.lab
def test_admin_domain_names_fill_sets_the_same_way(tmp_path: Path) -> None:
    from tests.tiers.houses import dump, world
    from tests.tiers.test_conformance import CASES

    case = next(c for c in CASES if c.name == "domain-names-allowlist-before-deny")
    dns = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": "coredns",
            "namespace": "kube-system",
            "labels": {"k8s-app": "kube-dns"},
        },
        "spec": {
            "containers": [
                {
                    "name": "dns",
                    "image": "coredns",
                    "ports": [{"containerPort": 53, "protocol": "UDP"}],
                }
            ]
        },
    }
    system = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "kube-system"}}
    (tmp_path / "world.yaml").write_text(dump([*world(case.forest), *case.extra, system, dns]))
    (tmp_path / "policies.yaml").write_text(dump(case.policies))
    query = ("--port", "443", "--format", "json")
    probed = run_cli("lab", "probe", str(tmp_path), *query, timeout=300)
    analyzed = run_cli("analyze", str(tmp_path), *query)
    assert probed.returncode == 0, probed.stderr
    measured, predicted = _cells(json.loads(probed.stdout)), _cells(json.loads(analyzed.stdout))
    names = {pair: c for pair, c in measured.items() if pair[1] == "fqdn:*.example.com"}
    assert names and all("resolved netfence-lab.example.com" in c["note"] for c in names.values())
    assert {p: c["allowed"] for p, c in names.items()} == {
        p: predicted[p]["allowed"] for p in names
    }
