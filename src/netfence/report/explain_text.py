"""``netfence explain``: a verdict's reasons in words, plus the policy that would fix it."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import yaml

from netfence.engine.verdict import RuleRef, SideVerdict, Verdict
from netfence.report.explain_tiers import passed_line, tier_line
from netfence.sanitize import clean


def _rule(ref: RuleRef) -> str:
    where = f" ({clean(ref.source.file)}:{ref.source.line})" if ref.source else ""
    return f"{ref}{where}"


def side_line(verdict: Verdict, side: SideVerdict) -> str:
    """One line for one end of the connection."""
    other = verdict.src if side.direction == "ingress" else verdict.dst
    what = f"{side.direction} of {side.endpoint}"
    if side.endpoint.startswith(("ext:", "fqdn:")):
        return f"{what}: outside the cluster, no policy applies"
    tiered = tier_line(side)
    if tiered is not None:
        return tiered
    passed = passed_line(side)
    if passed is not None:
        return side_line(verdict, replace(side, passed_by=None)) + "\n" + passed
    if not side.isolated:
        return f"{what}: not isolated (no policy selects it for {side.direction})"
    isolated = f"isolated by {', '.join(side.policies)}"
    if side.allowed:
        rules = "; ".join(_rule(ref) for ref in side.admitted_by)
        return f"{what}: {isolated}; admitted by {rules}"
    service = f"{verdict.port}/{verdict.protocol}"
    line = f"blocked at {what}: {isolated}; no {side.direction} rule admits {other} on {service}"
    for miss in side.near_misses:
        matched = "the port" if miss.missed == "peer" else f"{other}"
        line += f"\n    closest: {_rule(miss.rule)} admits {matched}, but {miss.why}"
    return line


def render_explain_text(
    verdict: Verdict,
    fixes: list[dict[str, Any]],
    reading: str,
    withheld: str | None = None,
    notes: tuple[str, ...] = (),
) -> str:
    """The verdict, each side's reasons, ``notes`` on what it rests on, and a YAML snippet
    that would admit it (or, when ``withheld`` says why it must stay blocked, that reason
    instead)."""
    port = f"{verdict.port}/{verdict.protocol}"
    if verdict.resolved_port is not None and verdict.resolved_port != verdict.port:
        port += f" (port {verdict.resolved_port})"
    depends = verdict.depends_on_address
    state = "ALLOWED" if verdict.allowed else "BLOCKED"
    if depends is not None:
        state = "DEPENDS ON THE ADDRESS"
    lines = [f"{verdict.src} -> {verdict.dst} on {port}: {state}"]
    if verdict.resolution:
        lines.append(f"  {verdict.resolution}")
    if verdict.self_traffic:
        lines.append("  traffic from an endpoint to itself is never filtered")
    elif verdict.resolved_port is None:
        lines.append(f"  {verdict.dst} serves no {verdict.protocol} port named {verdict.port!r}")
    else:
        lines += [f"  {side_line(verdict, side)}" for side in (verdict.egress, verdict.ingress)]
    if depends is not None:
        through = f" through {', '.join(depends.blocks)}" if depends.blocks else ""
        lines.append(
            f"  depends on the pod's address: allowed if {depends.condition}{through}, "
            f"blocked otherwise ({depends.pod_cidr}; ipBlocks read with --ipblock-pods={reading})"
        )
        allowing = depends.allowing
        sides = ((verdict.egress, allowing.egress), (verdict.ingress, allowing.ingress))
        lines += [
            f"    where allowed, {side_line(allowing, there)}"
            for here, there in sides
            if side_line(verdict, here) != side_line(allowing, there)
        ]
    if verdict.ipblock_reading_decided:
        lines.append(
            f"  note: decided by the ipBlock reading --ipblock-pods={reading} "
            "(whether ipBlocks match in-cluster pod IPs); the other reading flips it"
        )
    lines += [f"  note: {note}" for note in notes]
    if withheld and not verdict.allowed:
        lines.append(f"no policy to allow it is offered: {withheld}")
    if fixes:
        lines.append("to allow it, add:")
        lines.append(yaml.safe_dump_all(fixes, sort_keys=False).rstrip())
    return "\n".join(lines) + "\n"
