"""Explanation lines for sides that a cluster-scoped tier decided or passed on."""

from __future__ import annotations

from netfence.engine.verdict import SideVerdict, TierDecision
from netfence.report.explain_calico import calico_line, is_calico_decision, profile_line


def _rule(decision: TierDecision) -> str:
    where = f" ({decision.source.file}:{decision.source.line})" if decision.source else ""
    return f"{decision}{where}"


def _networkpolicy(side: SideVerdict) -> str:
    """What the NetworkPolicy tier alone would have done."""
    if not side.isolated:
        return f"no NetworkPolicy isolates {side.endpoint} for {side.direction}"
    would = "allowed" if side.networkpolicy_allowed else "blocked"
    return f"the namespace's NetworkPolicy would have {would} it"


def ambiguity_note(decision: TierDecision) -> str:
    rivals = ", ".join(decision.ambiguous_with)
    return (
        f"note: {rivals} has the same priority and a matching rule with another action; "
        "the API lets an implementation apply either, so this outcome is not guaranteed"
    )


def tier_line(side: SideVerdict) -> str | None:
    """The line for a side a tier decided; None when the NetworkPolicy tier or the default did."""
    decision = side.decided_by
    if decision is None:
        passed = side.passed_by
        # networkpolicy_allowed is set on a side Calico's tiers evaluated to the profile.
        calico = side.networkpolicy_allowed is not None
        if passed is None or not (calico or is_calico_decision(passed)):
            return None
        return profile_line(side)
    if is_calico_decision(decision):
        return calico_line(side, decision)
    what = f"{side.direction} of {side.endpoint}"
    verb = "allowed" if side.allowed else "denied"
    line = f"{what}: {verb} at {decision.tier} tier by {_rule(decision)}; {_networkpolicy(side)}"
    if decision.tier == "Admin" and not side.allowed:
        line += "\n    no NetworkPolicy can override the Admin tier: change or remove that rule"
    if side.passed_by is not None:
        line += f"\n    (the Admin tier passed it on: {_rule(side.passed_by)})"
    if decision.ambiguous_with:
        line += f"\n    {ambiguity_note(decision)}"
    return line


def passed_line(side: SideVerdict) -> str | None:
    """An extra line when the Admin tier passed the side on to the NetworkPolicy tier."""
    if side.decided_by is not None or side.passed_by is None:
        return None
    return f"    the Admin tier passed it on to NetworkPolicy: {_rule(side.passed_by)}"
