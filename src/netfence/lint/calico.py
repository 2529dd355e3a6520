"""Rules of Calico's ordered tiers: rules an earlier rule always decides first, Pass rules
with no lower tier, tiers that deny endpoints none of their rules speak of, and orders that
leave the evaluation order to names.

Connections are checked concretely: every endpoint a policy applies to, every node on the
other side, every protocol, and one port per span where some rule's ports start or stop.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import combinations, pairwise

from netfence.engine.calico_kube import KubeTierEntry, kube_tiers
from netfence.engine.calico_match import CalicoMatcher, rule_port_spans
from netfence.engine.intervals import MAX_PORT
from netfence.engine.peers import Node
from netfence.lint.catalogue import found
from netfence.lint.context import LintContext
from netfence.lint.finding import Finding
from netfence.model import DIRECTIONS, PROTOCOLS, Direction, Endpoint, Protocol
from netfence.model.calico import DEFAULT_TIER, CalicoPolicy, CalicoRule, CalicoTier, format_order

Connection = tuple[str, str, Protocol, int]
"""(subject id, other node id, protocol, port) of one side of a connection."""
LISTED = 5


@dataclass
class CalicoLint:
    """The lint run's Calico view: a matcher and the nodes connections can reach."""

    ctx: LintContext

    def __post_init__(self) -> None:
        cluster = self.ctx.cluster
        self.matcher = CalicoMatcher(cluster, cluster.namespace_labels)
        self.nodes: tuple[Node, ...] = (*self.ctx.engine.endpoints, *self.ctx.engine.externals)
        tiers = (*cluster.calico.tiers, *kube_tiers(cluster))
        self.tiers = tuple(sorted(tiers, key=lambda t: t.sort_key))

    def subjects(self, policy: CalicoPolicy, direction: Direction) -> tuple[Endpoint, ...]:
        return tuple(
            e for e in self.ctx.cluster.endpoints if self.matcher.applies(policy, e, direction)
        )

    def _ports(self, rules: Sequence[CalicoRule], protocol: Protocol, dst: Node) -> list[int]:
        bounds = {1, MAX_PORT + 1}
        for rule in rules:
            for lo, hi in rule_port_spans(rule, protocol, dst):
                bounds |= {lo, hi + 1}
        return [lo for lo, _ in pairwise(sorted(b for b in bounds if 1 <= b <= MAX_PORT + 1))]

    def matched(
        self,
        policy: CalicoPolicy,
        rule: CalicoRule,
        direction: Direction,
        subject: Endpoint,
        ports_of: Sequence[CalicoRule],
    ) -> set[Connection]:
        """The connections of ``subject`` in ``direction`` that ``rule`` matches."""
        out: set[Connection] = set()
        for other in self.nodes:
            src, dst = (subject, other) if direction == "egress" else (other, subject)
            for protocol in PROTOCOLS:
                for port in self._ports(ports_of, protocol, dst):
                    if self.matcher.rule_matches(policy, rule, src, dst, port, protocol):
                        out.add((subject.id, other.id, protocol, port))
        return out

    def in_tier(self, tier: CalicoTier) -> tuple[CalicoPolicy, ...]:
        return self.ctx.cluster.calico.in_tier(tier.name)

    def tier_applies(self, tier: CalicoTier, subject: Endpoint, direction: Direction) -> bool:
        """Whether some policy of ``tier`` (Kubernetes and SIG Network ones included) applies."""
        if any(self.matcher.applies(p, subject, direction) for p in self.in_tier(tier)):
            return True
        if tier.name == DEFAULT_TIER and self.ctx.engine.selecting(subject, direction):
            return True
        labels = self.ctx.cluster.namespace_labels(subject.namespace)
        return any(
            e.tier == tier.name and e.applies(subject, direction, labels)
            for e in map(KubeTierEntry, self.ctx.cluster.tier_policies)
        )


def _finding(rule_id: str, policy: CalicoPolicy, rule: CalicoRule | None, message: str) -> Finding:
    source = rule.origin if rule is not None else policy.source
    return found(rule_id, message=message, obj=policy.id, source=source)


def _names(ids: Sequence[str]) -> str:
    shown = ", ".join(ids[:LISTED])
    return shown + (f" and {len(ids) - LISTED} more" if len(ids) > LISTED else "")


def check_calico_shadowed(lint: CalicoLint) -> Iterator[Finding]:
    """A rule every connection of which an earlier rule of its policy or tier decides."""
    for tier in lint.tiers:
        policies = lint.in_tier(tier)
        for direction in DIRECTIONS:
            earlier: list[tuple[CalicoPolicy, CalicoRule]] = []
            for policy in policies:
                subjects = lint.subjects(policy, direction)
                for rule in policy.rules(direction):
                    if rule.action == "Log":
                        continue
                    rules = [r for _, r in earlier] + [rule]
                    mine = {
                        c for s in subjects for c in lint.matched(policy, rule, direction, s, rules)
                    }
                    by = _shadowing(lint, earlier, mine, direction, subjects, rules)
                    if mine and by is not None:
                        yield _finding(
                            "calico-rule-shadowed",
                            policy,
                            rule,
                            f"{direction} rule {rule.index + 1} ({rule.action}) never decides: "
                            f"{by[0].label} {direction} rule {by[1].index + 1} "
                            f"({by[1].action}) matches all its traffic first",
                        )
                    earlier.append((policy, rule))


def _shadowing(
    lint: CalicoLint,
    earlier: Sequence[tuple[CalicoPolicy, CalicoRule]],
    mine: set[Connection],
    direction: Direction,
    subjects: Sequence[Endpoint],
    rules: Sequence[CalicoRule],
) -> tuple[CalicoPolicy, CalicoRule] | None:
    """The earlier rule that alone covers ``mine``, or None (also when several share it)."""
    for policy, rule in earlier:
        covered = {
            c
            for s in subjects
            if lint.matcher.applies(policy, s, direction)
            for c in lint.matched(policy, rule, direction, s, rules)
        }
        if mine <= covered:
            return policy, rule
    return None


def check_calico_pass(lint: CalicoLint) -> Iterator[Finding]:
    """A Pass rule whose endpoints no later tier applies to: the profile allows."""
    for position, tier in enumerate(lint.tiers):
        later = lint.tiers[position + 1 :]
        for policy in lint.in_tier(tier):
            for direction in DIRECTIONS:
                passes = [r for r in policy.rules(direction) if r.action == "Pass"]
                subjects = lint.subjects(policy, direction)
                if not passes or not subjects:
                    continue
                if any(lint.tier_applies(t, s, direction) for t in later for s in subjects):
                    continue
                for rule in passes:
                    yield _finding(
                        "calico-pass-to-nothing",
                        policy,
                        rule,
                        f"{direction} rule {rule.index + 1} passes to later tiers, but none "
                        f"applies to its endpoints ({_names([s.id for s in subjects])}): "
                        "their profiles allow the traffic",
                    )


def check_calico_tier_end(lint: CalicoLint) -> Iterator[Finding]:
    """Endpoints a Deny-ending tier selects for which none of its rules matches anything."""
    for tier in lint.tiers:
        if tier.default_action != "Deny":
            continue
        policies = lint.in_tier(tier)
        for direction in DIRECTIONS:
            subjects = {s.id: s for p in policies for s in lint.subjects(p, direction)}
            forgotten = [
                subject.id
                for subject in subjects.values()
                if _speaks_of_nothing(lint, policies, subject, direction)
            ]
            if forgotten:
                yield _finding(
                    "calico-tier-denies-unplanned",
                    next(p for p in policies if p.rules(direction)),
                    None,
                    f"tier {tier.name} (order {format_order(tier.order)}) selects "
                    f"{_names(sorted(forgotten))} for {direction} but none of its rules matches "
                    "their traffic: the end of the tier denies all of it",
                )


def _speaks_of_nothing(
    lint: CalicoLint,
    policies: Sequence[CalicoPolicy],
    subject: Endpoint,
    direction: Direction,
) -> bool:
    """Whether the tier's policies apply to ``subject``, all with rules (a policy without
    rules there is a deliberate deny), and none of those rules matches its traffic."""
    mine = [p for p in policies if lint.matcher.applies(p, subject, direction)]
    if not mine or not all(p.rules(direction) for p in mine):
        return False
    if mine[0].tier == DEFAULT_TIER and lint.ctx.engine.selecting(subject, direction):
        return False  # Kubernetes NetworkPolicies of the default tier speak of it
    rules = [r for p in mine for r in p.rules(direction)]
    return not any(
        lint.matched(p, r, direction, subject, rules) for p in mine for r in p.rules(direction)
    )


def check_calico_orders(lint: CalicoLint) -> Iterator[Finding]:
    """Tiers, or policies of one tier on common endpoints, that share an order."""
    declared = [t for t in lint.ctx.cluster.calico.tiers if t.declared and t.source is not None]
    for first, second in combinations(sorted(declared, key=lambda t: t.sort_key), 2):
        if first.order is not None and first.order == second.order:
            yield found(
                "calico-order-overlap",
                message=f"tiers {first.name} and {second.name} share order "
                f"{format_order(first.order)}: their names decide which runs first",
                obj=f"Tier/{second.name}",
                source=second.source,
            )
    for tier in lint.tiers:
        for a, b in combinations(lint.in_tier(tier), 2):
            if a.order != b.order:
                continue
            for direction in DIRECTIONS:
                common = {s.id for s in lint.subjects(a, direction)} & {
                    s.id for s in lint.subjects(b, direction)
                }
                actions = {r.action for r in (*a.rules(direction), *b.rules(direction))}
                if common and len(actions - {"Log"}) > 1:
                    yield _finding(
                        "calico-order-overlap",
                        b,
                        None,
                        f"{a.label} and {b.label} share an order and both apply to "
                        f"{_names(sorted(common))} for {direction} with different actions: "
                        "their names decide which runs first",
                    )
                    break


def check_calico(ctx: LintContext) -> Iterator[Finding]:
    calico = ctx.cluster.calico
    if not (calico.active or any(t.source is not None for t in calico.tiers)):
        return
    lint = CalicoLint(ctx)
    yield from check_calico_shadowed(lint)
    yield from check_calico_pass(lint)
    yield from check_calico_tier_end(lint)
    yield from check_calico_orders(lint)
