"""redundant-rule (removal changes no connection) and return-traffic-rule (replies only)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import replace

import numpy as np

from netfence.engine import Node
from netfence.engine.rows import numbered
from netfence.lint.catalogue import found, rule_info
from netfence.lint.context import LintContext
from netfence.lint.finding import Finding
from netfence.lint.flow_answers import Story
from netfence.lint.flows import Flows, OneSidedFlow, flows_of
from netfence.lint.grouping import EXAMPLES, counted
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
        self.flows: Flows | None = None

    def admitted(
        self, policy: NetworkPolicy, direction: Direction | None = None, index: int = -1
    ) -> Flows:
        """The one-sided flows admitted by one rule of ``policy`` (by any when no direction)."""
        if self.flows is None:
            self.flows = flows_of(self.ctx)

        def by_rule(story: Story) -> bool:
            ref = story[0]
            return (
                ref.policy == policy.id
                and direction in (None, ref.direction)
                and index
                in (
                    -1,
                    ref.rule,
                )
            )

        return self.flows.where(by_rule)


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
    flows: Sequence[OneSidedFlow],
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
    shown = [f.describe() for f in flows[:EXAMPLES]]
    refused = shown[0] if len(flows) == 1 else counted("connections", shown, len(flows))
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
    nodes = len(ctx.cluster.endpoints) + len(ctx.engine.externals)
    selected = {p.id: _selected(ctx, p) for p in ctx.cluster.policies if p.id not in twins}
    matters = {
        (p.id, d): bool(d in p.policy_types or p.rules(d))
        for p in ctx.cluster.policies
        if p.id in selected
        for d in DIRECTIONS
    }
    cost = sum(  # every selected endpoint with every node, per rule and for the policy
        len(selected[p.id]) * nodes * (1 + len(p.rules(d)))
        for p in ctx.cluster.policies
        for d in DIRECTIONS
        if matters.get((p.id, d))
    )
    if cost > ctx.options.redundancy_budget:
        ctx.notes.append(
            f"redundant-rule skipped: {cost} connection comparisons exceed the budget of "
            f"{ctx.options.redundancy_budget}"
        )
        return
    work = {key: _pairs(ctx, selected[key[0]], key[1]) if on else [] for key, on in matters.items()}
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
                admitted = [] if ignored else one_sided.admitted(policy, direction, index)
                where = rule.source or policy.source
                dead = not ignored and _dead_selectors(ctx, policy, [rule])
                yield _redundant(
                    info.id, policy, f"{direction}[{index}]", why, admitted, where, dead
                )


def _single_ports(rule: Rule) -> list[PortKey]:
    return [
        (p.port, p.protocol) for p in rule.ports if isinstance(p.port, int) and p.end_port is None
    ]


def _serves(endpoint: Endpoint, key: PortKey) -> bool:
    return any((p.port, p.protocol) == key for p in endpoint.ports)


class _Replies:
    """Class-level facts return-traffic-rule asks about every pair of endpoint classes: the
    classes serving a port, and those serving some port."""

    def __init__(self, ctx: LintContext) -> None:
        self.ctx = ctx
        size = int(ctx.engine.node_classes().max()) + 1
        self.members = ctx.class_members
        self.has_ports = np.zeros(size, dtype=bool)
        for number, member in self.members.items():
            self.has_ports[number] = bool(member.ports)
        self.size = size
        self._serving: dict[PortKey, np.ndarray] = {}

    def serving(self, key: PortKey) -> np.ndarray:
        if key not in self._serving:
            found = np.zeros(self.size, dtype=bool)
            for number, member in self.members.items():
                found[number] = _serves(member, key)
            self._serving[key] = found
        return self._serving[key]


def _distinct_pairs(
    ctx: LintContext, owners: np.ndarray, peers: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The owners' classes, the peers' classes (of these endpoint positions), and [owner
    class, peer class]: whether some owner and some other peer of the two classes exist (an
    endpoint is no pair with itself)."""
    classes = ctx.classes
    size = int(classes.max(initial=0)) + 1
    own_count = np.bincount(classes[owners], minlength=size)
    other_count = np.bincount(classes[peers], minlength=size)
    own_classes, other_classes = np.flatnonzero(own_count), np.flatnonzero(other_count)
    is_owner = np.zeros(len(classes), dtype=bool)
    is_owner[owners] = True
    shared = peers[is_owner[peers]]  # both lists hold each endpoint once
    both = np.bincount(classes[shared], minlength=size)
    pairs = np.ones((len(own_classes), len(other_classes)), dtype=bool)
    alike = np.flatnonzero((own_count > 0) & (other_count > 0))
    rows = np.searchsorted(own_classes, alike)
    cols = np.searchsorted(other_classes, alike)
    pairs[rows, cols] = own_count[alike] * other_count[alike] > both[alike]
    return own_classes, other_classes, pairs


def _reply_mirrors(
    ctx: LintContext,
    replies: _Replies,
    policy: NetworkPolicy,
    direction: Direction,
    index: int,
) -> list[str]:
    """The connections the rule admits, when every one of them is only a reply's mirror image.

    Asked per pair of classes (alike pairs give the same answer): the rule admits a pair on
    one of its own ports when a peer of it matches the other end (its verdict is asked only
    where an ipBlock peer may match an endpoint without an IP); the admitted connection is a
    reply's mirror when the server serves some port but not this one, the client serves it,
    and the server may connect to the client on it."""
    rule = policy.rules(direction)[index]
    keys = _single_ports(rule)
    owners = ctx.selected_positions(policy, direction)
    owners = owners[ctx.subject_mask[owners]]
    if not keys or not len(owners):
        return []
    named = _first_seen([ctx.peer_positions(policy, p) for p in rule.peers])
    peers = named if len(named) else np.flatnonzero(ctx.subject_mask)
    own_classes, other_classes, pairs = _distinct_pairs(ctx, owners, peers)
    egress = direction == "egress"
    clients = own_classes[:, None] if egress else other_classes[None, :]
    servers = other_classes[None, :] if egress else own_classes[:, None]
    asked = bool(rule.peers) and not len(named) and any(p.ip_block for p in rule.peers)
    found: list[tuple[PortKey, np.ndarray]] = []
    for port, protocol in keys:
        serving = replies.serving((port, protocol))
        allowed = ctx.engine.class_allowed(port, protocol)
        mirror = (
            replies.has_ports[servers]
            & ~serving[servers]
            & serving[clients]
            & allowed[servers, clients]
        )
        admitted = np.full(pairs.shape, not rule.peers or bool(len(named)))
        if asked:
            where = (own_classes, other_classes)
            admitted = _asked(ctx, policy, direction, index, owners, peers, where, port, protocol)
        admitted &= pairs
        if (admitted & ~mirror).any():
            return []
        found.append(((port, protocol), admitted))
    shown = {
        (int(a), int(b))
        for _, admitted in found
        for a, b in zip(*np.nonzero(admitted), strict=True)
    }
    if not shown:
        return []
    endpoints = ctx.cluster.endpoints
    mirrors: list[str] = []
    rows = np.searchsorted(own_classes, ctx.classes[owners]).tolist()
    columns = np.searchsorted(other_classes, ctx.classes[peers]).tolist()
    others = list(zip(peers.tolist(), columns, strict=True))
    for own, row in zip(owners.tolist(), rows, strict=True):
        for other, column in others:
            if own == other or (row, column) not in shown:
                continue
            client, server = (own, other) if egress else (other, own)
            mirrors += [
                f"{endpoints[server].id} -> {endpoints[client].id} on {port}/{protocol}"
                for (port, protocol), admitted in found
                if admitted[row, column]
            ]
    return mirrors


def _first_seen(positions: list[np.ndarray]) -> np.ndarray:
    """The distinct positions of ``positions`` in the order first seen."""
    joined = np.concatenate([np.zeros(0, dtype=np.int64), *positions]).astype(np.int64)
    found: np.ndarray = joined[np.sort(numbered(joined)[0])]
    return found


def _asked(
    ctx: LintContext,
    policy: NetworkPolicy,
    direction: Direction,
    index: int,
    owners: np.ndarray,
    peers: np.ndarray,
    where: tuple[np.ndarray, np.ndarray],
    port: int,
    protocol: Protocol,
) -> np.ndarray:
    """[owner class, peer class] (the classes ``where`` holds, ascending): whether the rule
    admits the first pair of the two classes whose peer has no IP, by its verdict (an ipBlock
    peer may match it at some of its addresses); no peer of the rule matches the others."""
    own_classes, other_classes = where
    shape = (len(own_classes), len(other_classes))
    admitted = np.zeros(shape, dtype=bool)
    asked = np.zeros(shape, dtype=bool)
    endpoints = ctx.cluster.endpoints
    loose = peers[ctx.unaddressed_mask[peers]]
    columns = np.searchsorted(other_classes, ctx.classes[loose]).tolist()
    rows = np.searchsorted(own_classes, ctx.classes[owners]).tolist()
    for own, row in zip(owners.tolist(), rows, strict=True):
        for other, column in zip(loose.tolist(), columns, strict=True):
            cell = row, column
            if own == other or asked[cell]:
                continue
            asked[cell] = True
            client, server = (own, other) if direction == "egress" else (other, own)
            verdict = ctx.engine.class_verdict(endpoints[client], endpoints[server], port, protocol)
            side = verdict.egress if direction == "egress" else verdict.ingress
            admitted[cell] = any(
                r.policy == policy.id and r.rule == index for r in side.admitted_by
            )
    return admitted


def check_return_traffic(ctx: LintContext) -> Iterator[Finding]:
    """Rules whose every admitted connection mirrors a connection the peer opens."""
    info = rule_info("return-traffic-rule")
    replies = _Replies(ctx)
    for policy, direction, index, rule in ctx.cluster.rules():
        mirrors = _reply_mirrors(ctx, replies, policy, direction, index)
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
