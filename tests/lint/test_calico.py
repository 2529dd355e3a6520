"""Lint rules of Calico's ordered tiers."""

from __future__ import annotations

from pathlib import Path

from tests.calico.test_semantics import PODS, gnp, tier
from tests.lint.scenarios import messages_by_rule


def _rules(tmp_path: Path, policies: str) -> dict[str, list[str]]:
    (tmp_path / "in.yaml").write_text(PODS + "---\n" + policies)
    return messages_by_rule(tmp_path / "in.yaml")


def test_a_rule_an_earlier_rule_covers_is_shadowed(tmp_path: Path) -> None:
    found = _rules(
        tmp_path,
        gnp(
            "deny-lab",
            "selector: app == 'db'\ningress:\n"
            "- {action: Deny, source: {namespaceSelector: all()}}\n"
            "- {action: Allow, protocol: TCP, source: {selector: app == 'web'}}",
        ),
    )
    assert found["calico-rule-shadowed"] == [
        "ingress rule 2 (Allow) never decides: GlobalNetworkPolicy deny-lab (tier default, "
        "order nil) ingress rule 1 (Deny) matches all its traffic first"
    ]


def test_an_earlier_policy_of_the_tier_shadows_and_a_narrower_rule_does_not(
    tmp_path: Path,
) -> None:
    early = gnp(
        "early",
        "order: 1\nselector: all()\ningress: [{action: Allow, protocol: TCP}]",
    )
    late = gnp(
        "late",
        "order: 2\nselector: app == 'db'\ningress:\n"
        "- {action: Deny, protocol: TCP, destination: {ports: [5432]}}",
    )
    found = _rules(tmp_path, early + late)
    assert len(found["calico-rule-shadowed"]) == 1
    assert "GlobalNetworkPolicy early" in found["calico-rule-shadowed"][0]
    narrow = gnp(
        "early",
        "order: 1\nselector: all()\ningress: [{action: Allow, protocol: TCP, "
        "destination: {ports: [80]}}]",
    )
    assert "calico-rule-shadowed" not in _rules(tmp_path, narrow + late)


def test_a_pass_with_no_lower_tier_allows(tmp_path: Path) -> None:
    passing = tier("platform", "100") + gnp(
        "platform.pass", "tier: platform\nselector: app == 'db'\ningress: [{action: Pass}]"
    )
    found = _rules(tmp_path, passing)
    assert found["calico-pass-to-nothing"] == [
        "ingress rule 1 passes to later tiers, but none applies to its endpoints (shop/db): "
        "their profiles allow the traffic"
    ]
    below = gnp("guard", "selector: app == 'db'\ningress: [{action: Allow}]")
    assert "calico-pass-to-nothing" not in _rules(tmp_path, passing + below)


def test_a_tier_that_denies_endpoints_its_rules_never_mention(tmp_path: Path) -> None:
    broad = tier("platform", "100") + gnp(
        "platform.web-only",
        "tier: platform\nselector: projectcalico.org/namespace == 'shop'\ningress:\n"
        "- {action: Allow, destination: {selector: app == 'web'}}",
    )
    found = _rules(tmp_path, broad)
    assert found["calico-tier-denies-unplanned"] == [
        "tier platform (order 100) selects shop/db for ingress but none of its rules matches "
        "their traffic: the end of the tier denies all of it"
    ]
    deliberate = tier("platform", "100") + gnp(
        "platform.deny-all", "tier: platform\nselector: all()\ntypes: [Ingress]"
    )
    assert "calico-tier-denies-unplanned" not in _rules(tmp_path, deliberate)
    passing = tier("platform", "100", "Pass") + broad.split("---\n", 1)[1]
    assert "calico-tier-denies-unplanned" not in _rules(tmp_path, passing)


def test_shared_orders_leave_the_order_to_names(tmp_path: Path) -> None:
    tiers = tier("alpha", "100") + tier("beta", "100")
    policies = gnp(
        "alpha.a", "tier: alpha\norder: 5\nselector: app == 'db'\ningress: [{action: Deny}]"
    ) + gnp("alpha.b", "tier: alpha\norder: 5\nselector: all()\ningress: [{action: Allow}]")
    found = _rules(tmp_path, tiers + policies)
    assert found["calico-order-overlap"] == [
        "tiers alpha and beta share order 100: their names decide which runs first",
        "GlobalNetworkPolicy alpha.a (tier alpha, order 5) and GlobalNetworkPolicy alpha.b "
        "(tier alpha, order 5) share an order and both apply to shop/db for ingress with "
        "different actions: their names decide which runs first",
    ]
    distinct = (
        tier("alpha", "100") + tier("beta", "200") + policies.replace("order: 5", "order: 6", 1)
    )
    assert "calico-order-overlap" not in _rules(tmp_path, distinct)
