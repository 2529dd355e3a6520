"""Explanation lines for sides that one of Calico's tiers decided."""

from __future__ import annotations

from netfence.engine.calico import END_OF_TIER
from netfence.engine.verdict import SideVerdict, TierDecision
from netfence.sanitize import clean

LAYERED_TIERS = ("Admin", "Baseline")


def is_calico_decision(decision: TierDecision) -> bool:
    return decision.tier not in LAYERED_TIERS


def _where(decision: TierDecision) -> str:
    source = decision.source
    return f" ({clean(source.file)}:{source.line})" if source else ""


def _what(decision: TierDecision) -> str:
    """``GlobalNetworkPolicy platform.deny-egress (tier platform, order 100) rule 2``."""
    if decision.rule == END_OF_TIER:
        return f"{decision.policy_label}: policies of the tier apply but no rule matched"
    return f"{decision.policy_label} {decision.direction} rule {decision.rule_label}"


def calico_line(side: SideVerdict, decision: TierDecision) -> str:
    """``egress of ns/pod: denied by GlobalNetworkPolicy ... rule 2 (file:line)``."""
    verb = "allowed" if side.allowed else "denied"
    line = f"{side.direction} of {side.endpoint}: {verb} by {_what(decision)}{_where(decision)}"
    if side.passed_by is not None:
        line += f"\n    (passed on to this tier by {_what(side.passed_by)}{_where(side.passed_by)})"
    return line


def profile_line(side: SideVerdict) -> str:
    """A side every applying Calico tier passed on: the endpoint's profile allows it."""
    assert side.passed_by is not None
    passed = side.passed_by
    return (
        f"{side.direction} of {side.endpoint}: allowed by the endpoint's profile: passed on by "
        f"{_what(passed)}{_where(passed)} and no later tier applies"
    )
