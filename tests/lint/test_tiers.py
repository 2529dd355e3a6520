"""Lint rules of the cluster-scoped tiers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import netfence.blueprint
from tests.conftest import run_cli
from tests.lint.scenarios import messages_by_rule
from tests.tiers.houses import anp, cnp, dump, houses, network_policy, rule, world

G, S = "gryffindor", "slytherin"


def _rules(tmp_path: Path, policies: list[dict[str, object]]) -> dict[str, list[str]]:
    (tmp_path / "in.yaml").write_text(dump(world() + policies))
    return messages_by_rule(tmp_path / "in.yaml")


def test_a_rule_an_earlier_rule_covers_is_shadowed(tmp_path: Path) -> None:
    found = _rules(
        tmp_path,
        [
            anp(
                "a",
                5,
                houses(G),
                egress=[
                    rule("deny-all", "Deny", [{"namespaces": {}}]),
                    rule("allow-s", "Allow", [houses(S)]),
                ],
            )
        ],
    )
    assert any("'allow-s'" in m and "'deny-all'" in m for m in found["tier-rule-shadowed"])


def test_a_narrower_earlier_rule_does_not_shadow(tmp_path: Path) -> None:
    found = _rules(
        tmp_path,
        [
            anp(
                "a",
                5,
                houses(G),
                egress=[
                    rule("deny-s", "Deny", [houses(S)]),
                    rule("allow-all", "Allow", [{"namespaces": {}}]),
                ],
            )
        ],
    )
    assert "tier-rule-shadowed" not in found


def test_same_priority_conflict(tmp_path: Path) -> None:
    found = _rules(
        tmp_path,
        [
            anp("a", 5, houses(G), egress=[rule("deny", "Deny", [houses(S)])]),
            cnp("b", "Admin", 5, houses(G), egress=[rule("accept", "Accept", [houses(S)])]),
        ],
    )
    assert found["tier-same-priority-conflict"]


def test_pass_with_nothing_below(tmp_path: Path) -> None:
    policies = [anp("a", 5, houses(G), egress=[rule("pass", "Pass", [houses(S)])])]
    assert _rules(tmp_path, policies)["tier-pass-to-nothing"]
    isolated = network_policy("deny", G, {"podSelector": {}, "policyTypes": ["Egress"]})
    assert "tier-pass-to-nothing" not in _rules(tmp_path, [*policies, isolated])


def test_baseline_allow_across_namespaces(tmp_path: Path) -> None:
    banp = anp(
        "default", None, {"namespaces": {}}, ingress=[rule("open", "Allow", [{"namespaces": {}}])]
    )
    assert _rules(tmp_path, [banp])["baseline-allow-opens-namespaces"]


@pytest.mark.parametrize("dialect", [["--tiers", "v1alpha2"], ["--dialect", "calico"]])
def test_plan_guardrails_satisfy_the_blueprint_and_their_absence_is_found(
    tmp_path: Path, dialect: list[str]
) -> None:
    template = Path(netfence.blueprint.__file__).parent / "templates" / "ai-mesh.yaml"
    blueprint = tmp_path / "bp.yaml"
    guardrails = (
        "\nguardrails: {alwaysAllowDNS: true, denyInternet: true, baselineDefaultDeny: true,"
    )
    blueprint.write_text(template.read_text() + guardrails + " protectModelStorage: true}\n")
    out = tmp_path / "out"
    planned = run_cli("plan", str(blueprint), *dialect, "-o", str(out))
    assert planned.returncode == 0, planned.stdout + planned.stderr

    def guardrail_findings() -> list[str]:
        result = run_cli("lint", str(out), "--blueprint", str(blueprint), "--format", "json")
        findings = json.loads(result.stdout)["findings"]
        return [f["message"] for f in findings if f["rule"] == "guardrail-not-enforced"]

    assert guardrail_findings() == []
    (out / "guardrails.yaml").unlink()
    (out / "kustomization.yaml").unlink()
    missing = guardrail_findings()
    assert any(m.startswith("alwaysAllowDNS") for m in missing)
    assert any(m.startswith("protectModelStorage") for m in missing)
