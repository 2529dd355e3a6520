"""redundant-rule (removal changes no connection) and return-traffic-rule (replies only)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import replace

from netfence.engine import Node, Verdict
from netfence.lint.catalogue import found, rule_info
from netfence.lint.context import LintContext
from netfence.lint.finding import Finding
from netfence.lint.flows import OneSidedFlow, flows_of
from netfence.lint.grouping import counted
from netfence.lint.intents import is_intent
from netfence.lint.setup import make_engine
from netfence.lint.snippets import PortKey
from netfence.lint.wording import Connections, policy_obj
from netfence.model import DIRECTIONS, Cluster, Direction, Endpoint, NetworkPolicy, Protocol, Rule
from netfence.problems import Source

Pair = tuple[Node, Node]


def without(
    cluster: Cluster, policy: NetworkPolicy, direction: Direction | None = None, index: int = -1
) -> Cluster:
    """``cluster`` without ``policy`` (or without one of its rules)."""
    policies: list[NetworkPolicy] = []
    for other in cluster.policies:
        if other.id != policy.id:
            policies.append(other)
        elif direction is not None:
            kept = tuple(r for i, r in enumerate(other.rules(direction)) if i != index)
            changed = (
                replace(other, ingress=kept)
                if direction == "ingress"
                else replace(other, egress=kept)
            )
            policies.append(changed)
    return Cluster(cluster.namespaces, cluster.endpoints, tuple(policies), cluster.services)


def _selected(ctx: LintContext, policy: NetworkPolicy) -> list[Endpoint]:
    """Endpoints ``policy`` selects (for any of its policyTypes)."""
    both = {e: None for d in DIRECTIONS for e in ctx.selected(policy, d)}
    return list(both)


def _pairs(ctx: LintContext, selected: list[Endpoint], direction: Direction) -> list[Pair]:
    """The connections a rule in ``direction`` at the ``selected`` endpoints can influence."""
    nodes: list[Node] = [*ctx.cluster.endpoints, *ctx.engine.externals]
    if direction == "egress":
        return [(s, d) for s in selected for d in nodes]
    return [(s, d) for d in selected for s in nodes]


class _Comparison:
    """Connections before and after removing something, the "before" side asked once."""

    def __init__(self, ctx: LintContext) -> None:
        self.ctx = ctx
        self.before: dict[tuple[str, str], Connections] = {}

    def _before(self, src: Node, dst: Node) -> Connections:
        key = (src.id, dst.id)
        if key not in self.before:
            self.before[key] = self.ctx.engine.connections(src, dst)
        return self.before[key]

    def unchanged(self, cluster: Cluster, pairs: list[Pair]) -> bool:
        """Whether ``cluster`` allows exactly what the linted cluster allows on ``pairs``."""
        engine = make_engine(cluster, self.ctx.options, self.ctx.cidrs)
        return bool(pairs) and all(self._before(s, d) == engine.connections(s, d) for s, d in pairs)


def _is_baseline(policy: NetworkPolicy) -> bool:
    """A deny-all: it protects pods that do not exist yet, so it is never "redundant"."""
    return policy.pod_selector.is_empty and not policy.ingress and not policy.egress


def _behaviour(policy: NetworkPolicy) -> tuple[object, ...]:
    """What a policy does, without its name: identical policies are each redundant."""
    return (
        policy.namespace,
        policy.pod_selector,
        policy.policy_types,
        policy.ingress,
        policy.egress,
    )


class _OneSided:
    """The one-sided flows each rule admits, found (once) when a redundant rule is."""

    def __init__(self, ctx: LintContext) -> None:
        self.ctx = ctx
        self.by_rule: dict[tuple[str, Direction, int], list[OneSidedFlow]] | None = None

    def admitted(
        self, policy: NetworkPolicy, direction: Direction | None = None, index: int = -1
    ) -> list[OneSidedFlow]:
        """The one-sided flows admitted by one rule of ``policy`` (by any when no direction)."""
        if self.by_rule is None:
            self.by_rule = {}
            for flow in flows_of(self.ctx):
                ref = flow.admitted
                self.by_rule.setdefault((ref.policy, ref.direction, ref.rule), []).append(flow)
        return [
            flow
            for (owner, d, i), flows in self.by_rule.items()
            if owner == policy.id and direction in (None, d) and index in (-1, i)
            for flow in flows
        ]


ONE_SIDED_HINT = (
    "Decide the flow first: if it is wanted, add the other end's rule as the one-sided-flow "
    "finding on it says (this rule then matters); if it is not, delete this rule."
)


SELECTOR_HINT = (
    "Fix the selector first (see selector-matches-nothing on it): the rule matters once it "
    "matches what it names; delete it only if nothing of that name is meant to exist."
)


def _dead_selectors(ctx: LintContext, policy: NetworkPolicy, rules: list[Rule]) -> bool:
    """Whether some peer of ``rules`` names pods or namespaces by label and matches none."""
    return any(
        is_intent(peer) and not ctx.peer_endpoints(policy, peer)
        for rule in rules
        for peer in rule.peers
    )


def _redundant(
    info_id: str,
    policy: NetworkPolicy,
    what: str,
    why: str,
    flows: list[OneSidedFlow],
    source: Source | None,
    dead_selector: bool = False,
) -> Finding:
    """redundant-rule about ``what``; when it admits one-sided flows, the story is theirs:
    it changes nothing only because the other end refuses, and one-sided-flow tells it; when
    a selector of it matches nothing, selector-matches-nothing tells it."""
    if not flows and dead_selector:
        message = (
            f"removing {what} changes no allowed connection only because a selector of it "
            "matches nothing; see selector-matches-nothing on it"
        )
        return found(
            info_id, message=message, obj=policy_obj(policy), source=source, hint=SELECTOR_HINT
        )
    if not flows:
        message = f"removing {what} changes no allowed connection{why}"
        return found(info_id, message=message, obj=policy_obj(policy), source=source)
    described = [f.describe() for f in flows]
    refused = described[0] if len(flows) == 1 else counted("connections", described)
    return found(
        info_id,
        message=f"removing {what} changes no allowed connection only because the other end "
        f"refuses what it admits: {refused}; see one-sided-flow on it",
        obj=policy_obj(policy),
        source=source,
        hint=ONE_SIDED_HINT,
    )


def check_redundancy(ctx: LintContext) -> Iterator[Finding]:
    """Policies, then rules, whose removal leaves every connection exactly as it is.

    A policy with an identical twin is redundant without asking the engine (so many copies
    of one policy cost linear time)."""
    info = rule_info("redundant-rule")
    copies = Counter(_behaviour(p) for p in ctx.cluster.policies)
    twins = {p.id for p in ctx.cluster.policies if copies[_behaviour(p)] > 1}
    work: dict[tuple[str, Direction], list[Pair]] = {}
    cost = 0
    for policy in ctx.cluster.policies:
        if policy.id in twins:
            continue
        selected = _selected(ctx, policy)
        for direction in DIRECTIONS:
            matters = direction in policy.policy_types or policy.rules(direction)
            work[(policy.id, direction)] = pairs = (
                _pairs(ctx, selected, direction) if matters else []
            )
            cost += len(pairs) * (1 + len(policy.rules(direction)))
    if cost > ctx.options.redundancy_budget:
        ctx.notes.append(
            f"redundant-rule skipped: {cost} connection comparisons exceed the budget of "
            f"{ctx.options.redundancy_budget}"
        )
        return
    compare = _Comparison(ctx)
    one_sided = _OneSided(ctx)
    for policy in ctx.cluster.policies:
        if policy.id in twins:
            if not _is_baseline(policy):
                yield found(
                    info.id,
                    message=f"removing policy {policy.id} changes no allowed connection "
                    "(an identical policy remains)",
                    obj=policy_obj(policy),
                    source=policy.source,
                )
            continue
        both = work[(policy.id, "ingress")] + work[(policy.id, "egress")]
        if not _is_baseline(policy) and compare.unchanged(without(ctx.cluster, policy), both):
            flows = one_sided.admitted(policy)
            dead = _dead_selectors(ctx, policy, [*policy.ingress, *policy.egress])
            yield _redundant(info.id, policy, f"policy {policy.id}", "", flows, policy.source, dead)
            continue
        for direction in DIRECTIONS:
            for index, rule in enumerate(policy.rules(direction)):
                cluster = without(ctx.cluster, policy, direction, index)
                if not compare.unchanged(cluster, work[(policy.id, direction)]):
                    continue
                ignored = direction not in policy.policy_types
                why = (
                    f" (policyTypes lacks {direction.capitalize()}, so the rule is ignored)"
                    if ignored
                    else " (other rules already admit everything it admits)"
                )
                flows = [] if ignored else one_sided.admitted(policy, direction, index)
                where = rule.source or policy.source
                dead = not ignored and _dead_selectors(ctx, policy, [rule])
                yield _redundant(info.id, policy, f"{direction}[{index}]", why, flows, where, dead)


def _single_ports(rule: Rule) -> list[PortKey]:
    return [
        (p.port, p.protocol) for p in rule.ports if isinstance(p.port, int) and p.end_port is None
    ]


def _serves(endpoint: Endpoint, key: PortKey) -> bool:
    return any((p.port, p.protocol) == key for p in endpoint.ports)


Verdicts = Callable[[Endpoint, Endpoint, int, Protocol], Verdict]


def _reply_mirrors(
    ctx: LintContext, policy: NetworkPolicy, direction: Direction, index: int, verdict_of: Verdicts
) -> list[str]:
    """The connections the rule admits, when every one of them is only a reply's mirror image."""
    rule = policy.rules(direction)[index]
    keys = _single_ports(rule)
    owners = [e for e in ctx.selected(policy, direction) if e in ctx.subject_set]
    peers = {e: None for p in rule.peers for e in ctx.peer_endpoints(policy, p)} or ctx.subjects
    mirrors: list[str] = []
    shapes: dict[tuple[int, int], list[PortKey] | None] = {}
    for own, other in ((a, b) for a in owners for b in peers if a != b):
        client, server = (own, other) if direction == "egress" else (other, own)
        classes = (ctx.engine.node_class(client), ctx.engine.node_class(server))
        if classes not in shapes:  # alike pairs give the same answer
            shapes[classes] = _reply_ports(
                policy, direction, index, client, server, keys, verdict_of
            )
        replies = shapes[classes]
        if replies is None:
            return []
        mirrors += [
            f"{server.id} -> {client.id} on {port}/{protocol}" for port, protocol in replies
        ]
    return mirrors


def _reply_ports(
    policy: NetworkPolicy,
    direction: Direction,
    index: int,
    client: Endpoint,
    server: Endpoint,
    keys: list[PortKey],
    verdict_of: Verdicts,
) -> list[PortKey] | None:
    """The ports on which the rule admits ``client -> server`` only as a reply's mirror image;
    None when it admits one that is no reply."""
    replies = []
    for port, protocol in keys:
        verdict = verdict_of(client, server, port, protocol)
        admitting = verdict.egress if direction == "egress" else verdict.ingress
        if not any(r.policy == policy.id and r.rule == index for r in admitting.admitted_by):
            continue
        reply_shaped = (
            server.ports
            and not _serves(server, (port, protocol))
            and _serves(client, (port, protocol))
            and verdict_of(server, client, port, protocol).allowed
        )
        if not reply_shaped:
            return None
        replies.append((port, protocol))
    return replies


def check_return_traffic(ctx: LintContext) -> Iterator[Finding]:
    """Rules whose every admitted connection mirrors a connection the peer opens."""
    info = rule_info("return-traffic-rule")
    verdict_of = ctx.engine.class_verdict  # alike pairs (and copies of a rule) ask once
    for policy, direction, index, rule in ctx.cluster.rules():
        mirrors = _reply_mirrors(ctx, policy, direction, index, verdict_of)
        if not mirrors:
            continue
        yield found(
            info.id,
            message=f"{direction}[{index}] only admits the reverse of connections that are "
            f"already allowed ({'; '.join(mirrors)}): NetworkPolicy is stateful, so "
            "replies of an allowed connection always pass and this rule only widens access",
            obj=policy_obj(policy),
            source=rule.source or policy.source,
        )
