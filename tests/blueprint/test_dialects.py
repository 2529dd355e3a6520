"""Plan dialects: named externals as Cilium toFQDNs rules, proven; refused where a dialect
cannot write them."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml

from netfence.blueprint import builtin, make_plan
from netfence.blueprint.dialects import for_dialect
from netfence.blueprint.loading import parse_blueprint
from netfence.blueprint.prove import prove
from netfence.engine import Engine
from netfence.model.cilium import CiliumPolicy
from netfence.problems import InputError
from tests.blueprint.helpers import base
from tests.conftest import run_cli


def _named(fqdns: list[str], cidrs: list[str] | None = None) -> dict[str, Any]:
    data = base()
    external: dict[str, object] = {"fqdns": fqdns}
    if cidrs:
        external["cidrs"] = cidrs
    data["externals"] = {"apis": external}
    data["flows"] = [*data["flows"], {"from": "front", "to": "apis", "ports": [443]}]
    return data


def test_cilium_plan_of_the_builtin_reaches_the_tool_apis_by_name_and_holds() -> None:
    plan = make_plan(builtin(dialect="cilium"), dialect="cilium")
    assert plan.holds, [str(c) for c in plan.proof.offending] if plan.proof else plan.problems
    (policy,) = plan.generated.cilium_policies
    assert policy["metadata"]["name"] == "agent-egress-fqdn"
    fqdn_rule, dns_rule = policy["spec"]["egress"]
    assert fqdn_rule["toFQDNs"] == [
        {"matchName": "api.openai.com"},
        {"matchName": "api.anthropic.com"},
        {"matchPattern": "*.githubusercontent.com"},
    ]
    assert dns_rule["toPorts"][0]["rules"] == {"dns": [{"matchPattern": "*"}]}
    cells = {(c.source, c.target) for c in plan.proof.cells if c.protocol == "TCP"}
    assert ("ai-agents/agent", "fqdn:api.openai.com") in cells
    # the CIDR fallback is not written: no ipBlock of the agents reaches the internet
    assert "0.0.0.0/0" not in plan.generated.files()["ns-ai-agents.yaml"]


def test_the_agent_reaches_its_names_and_nothing_else_outside() -> None:
    plan = make_plan(builtin(dialect="cilium"), dialect="cilium")
    engine = Engine(plan.cluster)
    agent = next(e for e in engine.endpoints if e.id == "ai-agents/agent")
    outside = {x.id: engine.connections(agent, x) for x in engine.externals}
    opened = {
        ident for ident, ports in outside.items() if any(not p.is_empty for p in ports.values())
    }
    assert opened == {
        "fqdn:api.openai.com",
        "fqdn:api.anthropic.com",
        "fqdn:*.githubusercontent.com",
    }


def test_without_the_dns_rule_the_names_allow_nothing_and_the_proof_fails() -> None:
    plan = make_plan(builtin(dialect="cilium"), dialect="cilium")
    blind = [
        p if p.id != "CiliumNetworkPolicy/ai-agents/agent-egress-fqdn" else _without_dns(p)
        for p in plan.cluster.cilium_policies
    ]
    proof = prove(
        replace(plan.cluster, cilium_policies=tuple(blind)), for_dialect(builtin(), "cilium")
    )
    missing = {(c.source, c.target) for c in proof.offending if not c.missing.is_empty}
    assert ("ai-agents/agent", "fqdn:api.openai.com") in missing


def _without_dns(policy: CiliumPolicy) -> CiliumPolicy:
    return replace(policy, egress=tuple(r for r in policy.egress if not r.dns))


def test_the_kubernetes_dialect_uses_the_cidrs_and_says_so() -> None:
    plan = make_plan(builtin())
    assert plan.holds
    assert not plan.generated.cilium_policies
    assert any("--dialect cilium" in note for note in plan.notes)


def test_an_external_with_only_names_needs_the_cilium_dialect() -> None:
    text = yaml.safe_dump(_named(["api.openai.com"]))
    with pytest.raises(InputError) as error:
        parse_blueprint(text, "bp.yaml")
    (problem,) = error.value.problems
    assert problem.field.endswith(".to") and "--dialect cilium" in problem.message
    assert problem.source.line > 1
    bp = parse_blueprint(text, "bp.yaml", dialect="cilium")
    assert make_plan(bp, dialect="cilium").holds


def test_names_are_destinations_only_and_must_be_dns_names() -> None:
    data = _named(["api.openai.com"], ["203.0.113.0/24"])
    data["flows"].append({"from": "apis", "to": "front", "ports": [8080]})
    with pytest.raises(InputError) as error:
        parse_blueprint(yaml.safe_dump(data), "bp.yaml", dialect="cilium")
    assert "destination" in error.value.problems[0].message
    for bad in (["exa mple.com"], []):
        with pytest.raises(InputError):
            parse_blueprint(yaml.safe_dump(_named(bad)), "bp.yaml", dialect="cilium")


def test_plan_dialect_cilium_on_the_command_line(tmp_path: Path) -> None:
    out = tmp_path / "out"
    planned = run_cli("plan", "--dialect", "cilium", "-o", str(out))
    assert planned.returncode == 0, planned.stdout + planned.stderr
    docs = list(yaml.safe_load_all((out / "ns-ai-agents.yaml").read_text()))
    assert "CiliumNetworkPolicy" in [d["kind"] for d in docs]
    linted = run_cli("lint", str(out), "--format", "json")
    findings = yaml.safe_load(linted.stdout)["findings"]
    # the plan mixes kinds on purpose (info): nothing worse from the Cilium rules
    assert not [f for f in findings if f["rule"].startswith("cilium-") and f["severity"] != "info"]
