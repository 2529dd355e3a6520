"""Blueprint guardrails: generated as tier policies in either dialect, and proven."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from netfence.blueprint import builtin, make_plan
from netfence.blueprint.generate import generate
from netfence.blueprint.schema import Blueprint, Guardrails
from netfence.engine import Engine
from netfence.model import LabelSelector, Rule
from netfence.problems import InputError
from tests.blueprint.helpers import base, parse
from tests.conftest import run_cli

GUARDRAILS = {
    "baselineDefaultDeny": True,
    "alwaysAllowDNS": True,
    "denyInternet": True,
    "protectModelStorage": True,
}


def _blueprint() -> Blueprint:
    """The built-in ai-mesh blueprint with every guardrail."""
    return builtin().model_copy(update={"guardrails": Guardrails.model_validate(GUARDRAILS)})


@pytest.mark.parametrize(
    ("dialect", "kinds"),
    [
        ("v1alpha2", ["ClusterNetworkPolicy"] * 4),
        (
            "v1alpha1",
            ["AdminNetworkPolicy"] * 3 + ["BaselineAdminNetworkPolicy"],
        ),
    ],
)
def test_guardrails_are_generated_and_the_proof_holds(dialect: str, kinds: list[str]) -> None:
    plan = make_plan(_blueprint(), tiers=dialect)  # type: ignore[arg-type]
    assert [m["kind"] for m in plan.generated.tier_policies] == kinds
    assert "guardrails.yaml" in plan.generated.files()
    assert not plan.problems
    assert plan.holds, [str(c) for c in plan.proof.offending] if plan.proof else plan.problems
    assert len(plan.cluster.tier_policies) == 4


def test_calico_guardrails_are_two_tiers_around_the_default_tier_and_the_proof_holds() -> None:
    plan = make_plan(_blueprint(), tiers="calico")
    written = plan.generated.tier_policies
    assert [(m["kind"], m["metadata"]["name"]) for m in written] == [
        ("Tier", "netfence"),
        ("Tier", "netfence-baseline"),
        ("GlobalNetworkPolicy", "netfence.always-allow-dns"),
        ("GlobalNetworkPolicy", "netfence.no-internet"),
        ("GlobalNetworkPolicy", "netfence.model-storage-readers"),
        ("GlobalNetworkPolicy", "netfence-baseline.default"),
    ]
    assert all(m["spec"]["defaultAction"] == "Pass" for m in written if m["kind"] == "Tier")
    assert not plan.problems
    assert plan.holds, [str(c) for c in plan.proof.offending] if plan.proof else plan.problems
    tiers = [t.name for t in plan.cluster.calico.ordered_tiers()]
    assert tiers == ["netfence", "default", "netfence-baseline"]


def test_calico_guardrails_decide_what_a_namespace_policy_cannot_undo() -> None:
    plan = make_plan(_blueprint(), tiers="calico")
    opened = replace(
        next(p for p in plan.cluster.policies if p.namespace == "ai-data"),
        name="open-egress",
        pod_selector=LabelSelector(),
        policy_types=frozenset({"Egress"}),
        egress=(Rule(),),
    )
    engine = Engine(replace(plan.cluster, policies=(*plan.cluster.policies, opened)))
    storage = next(e for e in engine.endpoints if e.namespace == "ai-data")
    for target in ("169.254.169.254", "8.8.8.8"):
        verdict = engine.verdict(storage, target, 443, "TCP")
        assert not verdict.allowed
        decided = verdict.egress.decided_by
        assert decided is not None and decided.policy == "GlobalNetworkPolicy/netfence.no-internet"
    vllm = next(e for e in engine.endpoints if e.namespace == "ai-inference")
    assert not engine.verdict(vllm, "8.8.8.8", 443, "TCP").allowed
    agent = next(e for e in engine.endpoints if e.namespace == "ai-agents")
    other = engine.verdict(agent, storage, 9000, "TCP")
    assert not other.allowed
    assert other.ingress.decided_by is not None
    assert other.ingress.decided_by.policy.endswith("netfence.model-storage-readers")


def test_the_tiers_decide_what_namespace_policies_cannot_undo() -> None:
    plan = make_plan(_blueprint(), tiers="v1alpha2")
    engine = Engine(plan.cluster)
    storage = next(e for e in engine.endpoints if e.namespace == "ai-data")
    verdict = engine.verdict(storage, "169.254.169.254", 80, "TCP")
    assert not verdict.allowed
    assert verdict.egress.decided_by is not None
    assert verdict.egress.decided_by.policy == "ClusterNetworkPolicy/netfence-no-internet"
    dns = next(e for e in engine.endpoints if e.namespace == "kube-system")
    assert engine.verdict(storage, dns, 53, "UDP").egress.decided_by is not None


def test_without_tiers_the_guardrails_are_only_noted() -> None:
    plan = make_plan(_blueprint())
    assert not plan.generated.tier_policies
    assert any("--tiers" in note for note in plan.notes)
    assert not generate(parse(base()), "v1alpha2").tier_policies


def test_the_guardrails_section_is_read_from_yaml_and_unknown_keys_rejected() -> None:
    data = base()
    data["guardrails"] = {"denyInternet": True, "baselineDefaultDeny": True}
    bp = parse(data)
    assert bp.guardrails is not None and bp.guardrails.deny_internet
    plan = make_plan(bp, tiers="v1alpha1")
    assert plan.holds
    names = [m["metadata"]["name"] for m in plan.generated.tier_policies]
    assert names == ["netfence-no-internet", "default"]
    data["guardrails"] = {"denyEverything": True}
    with pytest.raises(InputError):
        parse(data)


def test_plan_dialect_calico_writes_calico_guardrails_and_refuses_tiers(tmp_path: Path) -> None:
    blueprint = tmp_path / "bp.yaml"
    data = base()
    data["guardrails"] = {"denyInternet": True, "baselineDefaultDeny": True}
    blueprint.write_text(yaml.safe_dump(data))
    out = tmp_path / "out"
    planned = run_cli("plan", str(blueprint), "--dialect", "calico", "-o", str(out))
    assert planned.returncode == 0, planned.stdout + planned.stderr
    kinds = [d["kind"] for d in yaml.safe_load_all((out / "guardrails.yaml").read_text())]
    assert kinds == ["Tier", "Tier", "GlobalNetworkPolicy", "GlobalNetworkPolicy"]
    both = run_cli("plan", str(blueprint), "--dialect", "calico", "--tiers", "v1alpha1")
    assert both.returncode == 2
    assert "--dialect calico" in both.stderr and "Traceback" not in both.stderr
