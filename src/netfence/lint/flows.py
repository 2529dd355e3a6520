"""one-sided-flow: a connection one end admits by selector and the other end refuses."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import overload

import numpy as np

from netfence.engine import Engine, RuleRef, SideVerdict
from netfence.engine.admission import Admitted
from netfence.engine.rows import numbered
from netfence.lint import snippets
from netfence.lint.catalogue import found
from netfence.lint.context import LintContext, class_isolation
from netfence.lint.dns import refusal
from netfence.lint.finding import Finding
from netfence.lint.grouping import EXAMPLES, counted
from netfence.lint.intents import is_intent
from netfence.lint.snippets import PortKey
from netfence.lint.wording import policy_obj
from netfence.model import DIRECTIONS, Direction, Endpoint, NetworkPolicy, Protocol, Rule

RULE = "one-sided-flow"


@dataclass(frozen=True)
class OneSidedFlow:
    """``src -> dst`` on ``ports``: admitted by ``admitted`` at one end, refused at the other."""

    src: Endpoint
    dst: Endpoint
    admitted: RuleRef
    refusing: SideVerdict
    """The refusing side as the answer for the ends' classes gives it (of any endpoint)."""
    ports: tuple[PortKey, ...]

    @cached_property
    def refused(self) -> SideVerdict:
        """The refusing side, at this flow's own end."""
        owner = self.dst if self.refusing.direction == "ingress" else self.src
        return replace(self.refusing, endpoint=owner.id)

    def describe(self) -> str:
        ports = ", ".join(f"{port}/{proto}" for port, proto in self.ports)
        return f"{self.src.id} -> {self.dst.id} on {ports}"

    @property
    def missing(self) -> str:
        """Where the missing rule belongs, e.g. ``an ingress rule in ai-data``."""
        owner = self.dst if self.refused.direction == "ingress" else self.src
        return f"an {self.refused.direction} rule in {owner.namespace}"


def candidate_ports(engine: Engine, src: Endpoint, dst: Endpoint) -> set[PortKey]:
    """Ports worth asking about: what ``dst`` serves and what either end's rules name."""
    keys: set[PortKey] = {(p.port, p.protocol) for p in dst.ports}
    rules = [r for p in engine.selecting(src, "egress") for r in p.egress]
    rules += [r for p in engine.selecting(dst, "ingress") for r in p.ingress]
    for rule in rules:
        for port in rule.ports:
            if isinstance(port.port, int):
                keys.add((port.port, port.protocol))
            elif isinstance(port.port, str):
                keys.update((n, port.protocol) for n in dst.named_ports(port.port, port.protocol))
    return keys


def _by_intent(ref: RuleRef, policies: Mapping[str, NetworkPolicy]) -> bool:
    """Whether the admitting peer names pods or namespaces by label."""
    if ref.peer is None:
        return False
    return is_intent(policies[ref.policy].rules(ref.direction)[ref.rule].peers[ref.peer])


def _intent(policy: NetworkPolicy, rule: Rule, peer: int | None) -> bool:
    """Whether an admission through ``rule``'s peer at ``peer`` is by label (``_by_intent``)."""
    return peer is not None and is_intent(rule.peers[peer])


Keep = Callable[[Endpoint, Endpoint, PortKey], bool]
Answer = tuple[RuleRef, SideVerdict, PortKey]
"""The admitting rule, the refusing side (its endpoint filled in per pair) and the port."""


def one_sided_flows(
    ctx: LintContext, sources: np.ndarray, targets: np.ndarray, added: NetworkPolicy | None = None
) -> Flows:
    """Those of the pairs (positions in ``cluster.endpoints``) whose connection one end admits
    by label while the other end refuses it. With ``added`` (a policy without rules: a what-if
    deny-all) joined to the input's policies: those flows that the input allows on their
    first port (what adding it breaks).

    Pairs of the same two classes share one answer (see ``Engine.node_class``): found from
    the engine's rule tables (``engine.admission``) where they are exact, else by a verdict
    per class pair whose ends disagree."""
    exact = ctx.admission.exact
    engine = ctx.engine
    if added is not None and not exact:
        engine = ctx.engine_with(added)
    classes = engine.node_classes()[: len(ctx.cluster.endpoints)]
    alike = ctx.class_isolation if engine is ctx.engine else class_isolation(engine, classes)
    ends = _Ends(engine, alike, added if exact else None)
    both = (
        ends.isolated["egress"][classes[sources]]
        & ends.isolated["ingress"][classes[targets]]
        & (sources != targets)
    )
    if added is not None and exact:
        # Elsewhere the sides are the input's: a flow one-sided there is refused today.
        newly = {d: ends.isolated[d] & ~ends.before[d] for d in DIRECTIONS}
        both &= newly["egress"][classes[sources]] | newly["ingress"][classes[targets]]
    sources, targets = sources[both], targets[both]
    codes = classes[sources] * ends.size + classes[targets]
    first, inverse = numbered(codes)
    unique = codes[first]
    pairs = list(zip((unique // ends.size).tolist(), (unique % ends.size).tolist(), strict=True))
    if exact:
        answers = _class_answers(ctx, ends, pairs)
    else:
        policies = dict(ctx.policies_by_id)
        if added is not None:
            policies[added.id] = added
        endpoints = ctx.cluster.endpoints
        answers = [
            _one_sided(engine, policies, endpoints[s], endpoints[d], pair)
            for pair, s, d in zip(
                pairs, sources[first].tolist(), targets[first].tolist(), strict=True
            )
        ]
    pair_of = inverse.reshape(-1)
    keep = None if added is None else _allowed(ctx.engine)
    return _flows(ctx.cluster.endpoints, sources, targets, pair_of, answers, keep)


def _allowed(engine: Engine) -> Keep:
    """Whether ``engine`` allows a connection between distinct endpoints."""

    def allowed(src: Endpoint, dst: Endpoint, key: PortKey) -> bool:
        return bool(engine.class_allowed(*key)[engine.node_class(src), engine.node_class(dst)])

    return allowed


class _Ends:
    """Per endpoint class of ``engine``: its first endpoint and whether it is isolated in each
    direction, before and with ``added`` (a policy without rules) joined in."""

    def __init__(
        self,
        engine: Engine,
        alike: tuple[dict[int, Endpoint], dict[Direction, np.ndarray]],
        added: NetworkPolicy | None,
    ) -> None:
        self.engine = engine
        self.added = added
        self.members, self.before = alike
        self.size = len(self.before["egress"])
        self.covered = np.zeros(self.size, dtype=bool)
        """Classes ``added`` selects."""
        if added is not None:
            for number, member in self.members.items():
                if member.namespace == added.namespace:
                    self.covered[number] = _selects(added, member)
        self.isolated = dict(self.before)
        for direction in added.policy_types if added is not None else ():
            self.isolated[direction] = self.before[direction] | self.covered

    def policies(self, number: int, direction: Direction) -> tuple[str, ...]:
        """The ids of the policies isolating class ``number`` in ``direction``."""
        found = tuple(p.id for p in self.engine.selecting(self.members[number], direction))
        added = self.added
        if added is not None and direction in added.policy_types and self.covered[number]:
            found += (added.id,)
        return found


def _selects(policy: NetworkPolicy, endpoint: Endpoint) -> bool:
    return policy.namespace == endpoint.namespace and policy.pod_selector.matches(
        endpoint.label_map
    )


def _rule_keys(
    engine: Engine, endpoint: Endpoint, direction: Direction
) -> tuple[set[PortKey], set[tuple[str, Protocol]]]:
    """The numbered and the named ports the rules isolating ``endpoint`` name."""
    numbers: set[PortKey] = set()
    names: set[tuple[str, Protocol]] = set()
    for policy in engine.selecting(endpoint, direction):
        for rule in policy.rules(direction):
            for port in rule.ports:
                if isinstance(port.port, int):
                    numbers.add((port.port, port.protocol))
                elif isinstance(port.port, str):
                    names.add((port.port, port.protocol))
    return numbers, names


def _class_answers(
    ctx: LintContext, ends: _Ends, pairs: list[tuple[int, int]]
) -> list[list[Answer]]:
    """``_one_sided``'s answers for every pair of classes, from the rule tables: on each of
    ``candidate_ports``, one end's rules admit (the first by label) and the other's refuse."""
    members = ends.members
    rule_keys: dict[tuple[int, Direction], tuple[set[PortKey], set[tuple[str, Protocol]]]] = {}
    for src_class, dst_class in pairs:
        ends_of: tuple[tuple[int, Direction], ...] = ((src_class, "egress"), (dst_class, "ingress"))
        for number, d in ends_of:
            if (number, d) not in rule_keys:
                rule_keys[(number, d)] = _rule_keys(ends.engine, members[number], d)
    asked: dict[PortKey, list[int]] = {}
    for row, (src_class, dst_class) in enumerate(pairs):
        target = members[dst_class]
        out_numbers, out_names = rule_keys[(src_class, "egress")]
        in_numbers, in_names = rule_keys[(dst_class, "ingress")]
        keys = {(p.port, p.protocol) for p in target.ports} | out_numbers | in_numbers
        for name, protocol in out_names | in_names:
            keys.update((n, protocol) for n in target.named_ports(name, protocol))
        for key in keys:
            asked.setdefault(key, []).append(row)
    answers: list[list[Answer]] = [[] for _ in pairs]
    refusing: dict[tuple[int, Direction], SideVerdict] = {}
    ends_of_pairs = np.array(pairs, dtype=np.int64).reshape(len(pairs), 2)
    for port, protocol in sorted(asked):
        rows = asked[(port, protocol)]
        src, dst = ends_of_pairs[rows].T
        out = ctx.admission.admitted("egress", src, dst, dst, port, protocol, _intent)
        into = ctx.admission.admitted("ingress", dst, src, dst, port, protocol, _intent)
        out_allows = ends.before["egress"][src] & out.any
        in_allows = ends.before["ingress"][dst] & into.any
        sides: list[tuple[Admitted, np.ndarray, np.ndarray, np.ndarray, Direction, Direction]] = [
            (out, out_allows, ~in_allows, dst, "egress", "ingress"),
            (into, in_allows, ~out_allows, src, "ingress", "egress"),
        ]
        for admits, allows, refuses, owners, direction, other in sides:
            for k in np.flatnonzero(allows & refuses & (admits.rule >= 0)).tolist():
                ref = ctx.admission.ref(
                    direction, int(admits.rule[k]), int(admits.peer[k]), int(admits.port[k])
                )
                owner = (int(owners[k]), other)
                if owner not in refusing:
                    policies = ends.policies(*owner)
                    refusing[owner] = SideVerdict(other, "", True, policies, (), False)
                answers[rows[k]].append((ref, refusing[owner], (port, protocol)))
    return answers


def _flows(
    endpoints: Sequence[Endpoint],
    sources: np.ndarray,
    targets: np.ndarray,
    pair_of: np.ndarray,
    answers: list[list[Answer]],
    keep: Keep | None,
) -> Flows:
    """The flows of each endpoint pair from its class pair's answers: per refusing side, the
    first answer's rule and side, with every answer's port (those ``keep`` keeps, asked of
    the class pair's first endpoint pair)."""
    stories = [_stories(found) for found in answers]
    if keep is not None:
        firsts, _ = numbered(pair_of)
        found = pair_of[firsts]
        for pair, first in zip(found.tolist(), firsts.tolist(), strict=True):
            ends = endpoints[int(sources[first])], endpoints[int(targets[first])]
            stories[pair] = [s for s in stories[pair] if keep(*ends, s[2][0])]
    return Flows(endpoints, sources, targets, pair_of, stories)


Story = tuple[RuleRef, SideVerdict, tuple[PortKey, ...]]


class Flows(Sequence[OneSidedFlow]):
    """One-sided flows in endpoint pair order, each made when it is read (a what-if often
    needs only how many there are and the first few)."""

    def __init__(
        self,
        endpoints: Sequence[Endpoint],
        sources: np.ndarray,
        targets: np.ndarray,
        pair_of: np.ndarray,
        stories: list[list[Story]],
    ) -> None:
        self._endpoints = endpoints
        counts = np.array([len(s) for s in stories], dtype=np.int64)
        per_pair = counts[pair_of] if len(stories) else np.zeros(len(pair_of), dtype=np.int64)
        shown = np.flatnonzero(per_pair)
        self._pairs = np.repeat(shown, per_pair[shown])
        """The endpoint pair (position in ``sources``) of each flow."""
        starts = np.cumsum(per_pair[shown]) - per_pair[shown]
        self._story = np.arange(len(self._pairs)) - np.repeat(starts, per_pair[shown])
        """Which story of its class pair each flow tells."""
        self._sources, self._targets, self._pair_of = sources, targets, pair_of
        self._stories = stories

    def __len__(self) -> int:
        return len(self._pairs)

    def stories(self) -> list[tuple[list[OneSidedFlow], int]]:
        """Flows that one rule admits and the same policies refuse, on the same ports, at the
        same namespace's end (one story, told once), in first-seen order: the first
        ``EXAMPLES`` flows of each and how many it has. Grouped on arrays; only the flows
        shown are made."""
        if not len(self):
            return []
        keys: dict[tuple[object, ...], int] = {}
        ingress: list[bool] = []
        codes: list[int] = []
        for stories in self._stories:
            for admitted, refusing, ports in stories:
                key = (admitted, refusing.direction, refusing.policies, ports)
                if key not in keys:
                    keys[key] = len(keys)
                    ingress.append(refusing.direction == "ingress")
                codes.append(keys[key])
        offsets = np.cumsum([0, *(len(s) for s in self._stories)])[:-1]
        story = np.array(codes, dtype=np.int64)[offsets[self._pair_of[self._pairs]] + self._story]
        namespaces: dict[str, int] = {}
        namespace_of = np.array(
            [namespaces.setdefault(e.namespace, len(namespaces)) for e in self._endpoints],
            dtype=np.int64,
        )
        owners = np.where(
            np.array(ingress, dtype=bool)[story],
            self._targets[self._pairs],
            self._sources[self._pairs],
        )
        group = story * max(len(namespaces), 1) + namespace_of[owners]
        first, inverse = numbered(group)
        counts = np.bincount(inverse, minlength=len(first))
        members = np.argsort(inverse.reshape(-1), kind="stable")
        starts = np.cumsum(counts) - counts
        found = []
        for g in np.argsort(first, kind="stable").tolist():
            shown = members[starts[g] : starts[g] + min(int(counts[g]), EXAMPLES)]
            found.append(([self._flow(int(i)) for i in shown], int(counts[g])))
        return found

    def _flow(self, index: int) -> OneSidedFlow:
        pair = int(self._pairs[index])
        story = self._stories[int(self._pair_of[pair])][int(self._story[index])]
        src = self._endpoints[int(self._sources[pair])]
        dst = self._endpoints[int(self._targets[pair])]
        return OneSidedFlow(src, dst, *story)

    @overload
    def __getitem__(self, index: int) -> OneSidedFlow: ...

    @overload
    def __getitem__(self, index: slice) -> list[OneSidedFlow]: ...

    def __getitem__(self, index: int | slice) -> OneSidedFlow | list[OneSidedFlow]:
        if isinstance(index, slice):
            return [self._flow(i) for i in range(*index.indices(len(self)))]
        if not -len(self) <= index < len(self):
            raise IndexError(index)
        return self._flow(index % len(self))

    def __iter__(self) -> Iterator[OneSidedFlow]:
        return (self._flow(i) for i in range(len(self)))


def _stories(answers: list[Answer]) -> list[Story]:
    """One class pair's answers per refusing side: the first one's rule and side, every
    one's port."""
    found: dict[Direction, tuple[RuleRef, SideVerdict, list[PortKey]]] = {}
    for ref, refuses, port in answers:
        found.setdefault(refuses.direction, (ref, refuses, []))[2].append(port)
    return [(ref, side, tuple(ports)) for ref, side, ports in found.values()]


def _one_sided(
    engine: Engine,
    policies: Mapping[str, NetworkPolicy],
    src: Endpoint,
    dst: Endpoint,
    classes: tuple[int, int],
) -> list[tuple[RuleRef, SideVerdict, PortKey]]:
    """For one pair standing for its two classes: each port on which one end admits by label
    and the other refuses, with the admitting rule and the refusing side."""
    answers = []
    for port, protocol in sorted(candidate_ports(engine, src, dst)):
        if engine.class_allowed(port, protocol)[classes]:
            continue  # allowed: both ends agree, nothing one-sided
        if not engine.sides_disagree(port, protocol)[classes]:
            continue  # both ends refuse
        verdict = engine.verdict(src, dst, port, protocol)
        for admits, refuses in (
            (verdict.egress, verdict.ingress),
            (verdict.ingress, verdict.egress),
        ):
            refs = [r for r in admits.admitted_by if _by_intent(r, policies)]
            # A refusal by the Admin or Baseline tier is not a missing NetworkPolicy rule.
            if admits.allowed and not refuses.allowed and refs and not refuses.decided_by:
                answers.append((refs[0], refuses, (port, protocol)))
    return answers


def flows_of(ctx: LintContext) -> Flows:
    """Every one-sided flow between endpoints of the input (DNS is dns-egress-blocked's)."""
    sources, targets = ctx.intended_pairs
    keep = ~ctx.dns_mask[targets]
    return one_sided_flows(ctx, sources[keep], targets[keep])


def check_flows(ctx: LintContext) -> Iterator[Finding]:
    """Every one-sided flow; flows with the same admitting rule, refusing policies and ports
    are one finding with a count. This rule owns the story of such a flow: redundant-rule,
    which finds the admitting rule changes nothing, refers to it."""
    for flows, count in flows_of(ctx).stories():
        flow = flows[0]
        policy = ctx.blocking_policy(flow.refused)
        admitted_at = ctx.rule_source(flow.admitted)
        where = f" ({admitted_at.file}:{admitted_at.line})" if admitted_at else ""
        other = flow.src if flow.refused.direction == "ingress" else flow.dst
        what = flow.describe()
        refused = refusal(flow.refused, flow.refused.endpoint)
        if count > 1:
            shown = [f.describe() for f in flows]
            what = counted("connections", shown, count)
            owners = "the destinations" if flow.refused.direction == "ingress" else "the sources"
            refused = refusal(flow.refused, owners)
        yield found(
            RULE,
            message=f"{what} {'are' if count > 1 else 'is'} admitted at "
            f"{flow.admitted.direction} by {flow.admitted}{where} but refused at "
            f"{flow.refused.direction}: {refused}; add {flow.missing}",
            obj=policy_obj(policy),
            source=policy.source,
            snippet=snippets.rule(flow.refused.direction, other, flow.ports),
        )
