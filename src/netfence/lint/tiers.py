"""Rules of the cluster-scoped tiers: shadowed rules, same-priority conflicts, Pass rules with
nothing below them, Baseline allows that open namespaces."""

from __future__ import annotations

from collections.abc import Iterator

from netfence.engine.peers import Node
from netfence.engine.tier_match import peer_matches, subject_selects
from netfence.engine.tier_notes import tier_notes
from netfence.engine.tiers import ordered
from netfence.lint.catalogue import found
from netfence.lint.context import LintContext
from netfence.lint.finding import Finding
from netfence.model import Direction, Endpoint
from netfence.model.tiers import TierPolicy, TierPort, TierRule

DIRECTIONS: tuple[Direction, ...] = ("ingress", "egress")


def _subjects(ctx: LintContext, policy: TierPolicy) -> frozenset[str]:
    cluster = ctx.cluster
    return frozenset(
        e.id
        for e in cluster.endpoints
        if subject_selects(policy, e, cluster.namespace_labels(e.namespace))
    )


def _labels(ctx: LintContext, node: Node) -> dict[str, str]:
    if isinstance(node, Endpoint):
        return ctx.cluster.namespace_labels(node.namespace)
    return {}


def _peers(ctx: LintContext, rule: TierRule) -> frozenset[str]:
    nodes: tuple[Node, ...] = (*ctx.engine.endpoints, *ctx.engine.externals)
    return frozenset(
        n.id
        for n in nodes
        if any(peer_matches(ctx.cluster, p, n, _labels(ctx, n)) for p in rule.peers)
    )


def _port_covers(outer: TierPort, inner: TierPort) -> bool:
    if outer.name is not None or inner.name is not None:
        return outer == inner
    return outer.protocol == inner.protocol and outer.low <= inner.low and inner.high <= outer.high


def _ports_cover(outer: TierRule, inner: TierRule) -> bool:
    if outer.ports is None:
        return True
    if inner.ports is None:
        return False
    return all(any(_port_covers(o, i) for o in outer.ports) for i in inner.ports)


def _finding(rule_id: str, policy: TierPolicy, rule: TierRule | None, message: str) -> Finding:
    return found(
        rule_id,
        message=message,
        obj=policy.id,
        source=rule.source if rule is not None else policy.source,
    )


def check_shadowed(ctx: LintContext) -> Iterator[Finding]:
    """A rule every connection of which an earlier rule of the same tier decides first."""
    for tier in ("Admin", "Baseline"):
        policies = ordered(ctx.cluster, tier)
        for direction in DIRECTIONS:
            seen: list[tuple[TierPolicy, TierRule, frozenset[str], frozenset[str]]] = []
            for policy in policies:
                subjects = _subjects(ctx, policy)
                for rule in policy.rules(direction):
                    peers = _peers(ctx, rule)
                    by = next(
                        (
                            (p, r)
                            for p, r, s, n in seen
                            if subjects <= s and peers <= n and _ports_cover(r, rule)
                        ),
                        None,
                    )
                    if by is not None and subjects and peers:
                        earlier, earlier_rule = by
                        yield _finding(
                            "tier-rule-shadowed",
                            policy,
                            rule,
                            f"{direction} rule {rule.label} ({rule.action}) never decides: "
                            f"{earlier.short}, {direction} rule {earlier_rule.label} "
                            f"({earlier_rule.action}) matches all its traffic first",
                        )
                    seen.append((policy, rule, subjects, peers))


def check_conflicts(ctx: LintContext) -> Iterator[Finding]:
    """Policies of one tier and priority with rules of different actions on common pods."""
    by_id = {p.id: p for p in ctx.cluster.tier_policies}
    for note in tier_notes(ctx.cluster):
        first = note.split(" ", 1)[0]
        if first in by_id and " share the " in note:
            yield _finding("tier-same-priority-conflict", by_id[first], None, note)


def _isolated(ctx: LintContext, subjects: frozenset[str], direction: Direction) -> bool:
    return any(
        ctx.engine.selecting(e, direction) for e in ctx.cluster.endpoints if e.id in subjects
    )


def check_pass(ctx: LintContext) -> Iterator[Finding]:
    """A Pass with no NetworkPolicy and no Baseline rule below it acts as allow."""
    baseline = ordered(ctx.cluster, "Baseline")
    for policy in ctx.cluster.tier_policies:
        subjects = _subjects(ctx, policy)
        for direction in DIRECTIONS:
            for rule in policy.rules(direction):
                if rule.action != "Pass" or not subjects:
                    continue
                below = policy.tier == "Admin" and (
                    _isolated(ctx, subjects, direction)
                    or any(b.rules(direction) and subjects & _subjects(ctx, b) for b in baseline)
                )
                if not below:
                    yield _finding(
                        "tier-pass-to-nothing",
                        policy,
                        rule,
                        f"{direction} rule {rule.label} passes to tiers that decide nothing for "
                        "its pods: the traffic is allowed by default",
                    )


def check_baseline_allow(ctx: LintContext) -> Iterator[Finding]:
    """A Baseline Allow admitting other namespaces' pods into every selected namespace."""
    for policy in ordered(ctx.cluster, "Baseline"):
        subjects = _subjects(ctx, policy)
        namespaces = {s.split("/")[0] for s in subjects}
        for rule in policy.ingress:
            if rule.action != "Allow" or rule.ports is not None:
                continue
            peers = _peers(ctx, rule)
            peer_namespaces = {p.split("/")[0] for p in peers if "/" in p}
            cross = any(p != s for s in namespaces for p in peer_namespaces)
            if subjects and (cross or any("/" not in p for p in peers)):
                yield _finding(
                    "baseline-allow-opens-namespaces",
                    policy,
                    rule,
                    f"ingress rule {rule.label} allows every port from outside the selected "
                    "namespaces to each namespace without its own NetworkPolicy: the baseline "
                    "no longer keeps namespaces isolated by default",
                )


def check_tiers(ctx: LintContext) -> Iterator[Finding]:
    if not ctx.cluster.tier_policies:
        return
    yield from check_shadowed(ctx)
    yield from check_conflicts(ctx)
    yield from check_pass(ctx)
    yield from check_baseline_allow(ctx)
