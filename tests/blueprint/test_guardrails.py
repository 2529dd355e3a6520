"""Blueprint guardrails: generated as tier policies in either dialect, and proven."""

from __future__ import annotations

import pytest

from netfence.blueprint import builtin, make_plan
from netfence.blueprint.generate import generate
from netfence.blueprint.schema import Blueprint, Guardrails
from netfence.engine import Engine
from netfence.problems import InputError
from tests.blueprint.helpers import base, parse

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
