"""one-sided-flow: a connection one end admits by selector and the other end refuses."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import NamedTuple, overload

import numpy as np

from netfence.engine import Engine, RuleRef, SideVerdict
from netfence.engine.rows import numbered
from netfence.lint import snippets
from netfence.lint.catalogue import found
from netfence.lint.context import LintContext, class_isolation
from netfence.lint.dns import refusal
from netfence.lint.finding import Finding
from netfence.lint.flow_answers import Answers, Sides, Story, class_answers
from netfence.lint.grouping import EXAMPLES, counted
from netfence.lint.intents import Intents, is_intent
from netfence.lint.snippets import PortKey
from netfence.lint.wording import policy_obj
from netfence.model import DIRECTIONS, Direction, Endpoint, NetworkPolicy
from netfence.problems import Source

RULE = "one-sided-flow"


class OneSidedFlow(NamedTuple):
    """``src -> dst`` on ``ports``: admitted by ``admitted`` at one end, refused at the other
    (a named tuple: a big cluster's lint makes a million of them)."""

    src: Endpoint
    dst: Endpoint
    admitted: RuleRef
    refusing: SideVerdict
    """The refusing side as the answer for the ends' classes gives it (of any endpoint)."""
    ports: tuple[PortKey, ...]

    @property
    def refused(self) -> SideVerdict:
        """The refusing side, at this flow's own end."""
        owner = self.dst if self.refusing.direction == "ingress" else self.src
        return replace(self.refusing, endpoint=owner.id)

    def describe(self) -> str:
        return f"{self.src.id} -> {self.dst.id} on {_port_list(self.ports)}"

    @property
    def missing(self) -> str:
        """Where the missing rule belongs, e.g. ``an ingress rule in ai-data``."""
        direction = self.refusing.direction
        owner = self.dst if direction == "ingress" else self.src
        return f"an {direction} rule in {owner.namespace}"


@cache
def _port_list(ports: tuple[PortKey, ...]) -> str:
    """``80/TCP, 53/UDP`` (one story's ports are written for many flows)."""
    return ", ".join(f"{port}/{proto}" for port, proto in ports)


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


Answer = tuple[RuleRef, SideVerdict, PortKey]
"""One port of a pair: the admitting rule, the refusing side and the port."""


def one_sided_flows(
    ctx: LintContext, entries: np.ndarray, added: NetworkPolicy | None = None
) -> Flows:
    """The flows of the intended class pairs ``entries`` (indices into ``ctx.intents``)
    whose connection one end admits by label while the other end refuses it. With ``added``
    (a policy without rules: a what-if deny-all) joined to the input's policies: those flows
    that the input allows on their first port (what adding it breaks).

    Class pairs of the same two engine classes (see ``Engine.node_class``) share one answer:
    found from the engine's rule tables (``ctx.admission``) where they are exact, else by a
    verdict for the first endpoint pair of each engine class pair whose ends disagree."""
    exact = ctx.admission.exact
    engine = ctx.engine
    if added is not None and not exact:
        engine = ctx.engine_with(added)
    intents = ctx.intents
    classes = engine.node_classes()[: len(ctx.cluster.endpoints)]
    alike = ctx.class_isolation if engine is ctx.engine else class_isolation(engine, classes)
    added_here = added if exact else None
    there = ctx.classes_in.get(added_here.namespace, []) if added_here is not None else []
    sides = Sides(engine, alike, added_here, there)
    engine_class = classes[intents.firsts]
    src, dst = engine_class[intents.source[entries]], engine_class[intents.target[entries]]
    both = sides.isolated["egress"][src] & sides.isolated["ingress"][dst]
    if added is not None and exact:
        # Elsewhere the sides are the input's: a flow one-sided there is refused today.
        newly = {d: sides.isolated[d] & ~sides.before[d] for d in DIRECTIONS}
        both &= newly["egress"][src] | newly["ingress"][dst]
    entries, src, dst = entries[both], src[both], dst[both]
    first, row_of = numbered(src * sides.size + dst)
    if exact:
        answers = class_answers(ctx.admission, ctx.class_ports, sides, src[first], dst[first])
    else:
        policies = dict(ctx.policies_by_id)
        if added is not None:
            policies[added.id] = added
        answers = _pairwise_answers(ctx, engine, policies, entries, row_of)
    units = answers.expanded(row_of)
    if added is not None and not exact:  # exact answers kept only those (``class_answers``)
        units = _allowed_today(ctx, entries, units)
    return Flows(intents, ctx.cluster.endpoints, entries, units)


def _pairwise_answers(
    ctx: LintContext,
    engine: Engine,
    policies: Mapping[str, NetworkPolicy],
    entries: np.ndarray,
    row_of: np.ndarray,
) -> Answers:
    """The answers per engine class pair (``row_of``: each entry's) from the verdicts of its
    first endpoint pair in the policies' order."""
    intents = ctx.intents
    key = intents.first_keys(entries)
    order = np.lexsort((*reversed(key), row_of))
    firsts = order[np.r_[True, row_of[order][1:] != row_of[order][:-1]]] if len(order) else order
    pairs = intents.pod_pairs(entries[firsts], 1)
    endpoints = ctx.cluster.endpoints
    rows: list[int] = []
    ranks: list[int] = []
    stories: list[Story] = []
    classes = engine.node_classes()
    for row, (s, d) in enumerate(zip(pairs.source.tolist(), pairs.target.tolist(), strict=True)):
        src, dst = endpoints[s], endpoints[d]
        found = _one_sided(engine, policies, src, dst, (int(classes[s]), int(classes[d])))
        for rank, story in enumerate(_stories(found)):
            rows.append(row)
            ranks.append(rank)
            stories.append(story)
    numbers = np.arange(len(stories), dtype=np.int64)
    return Answers(
        np.array(rows, dtype=np.int64), np.array(ranks, dtype=np.int64), numbers, stories
    )


def _allowed_today(ctx: LintContext, entries: np.ndarray, units: Answers) -> Answers:
    """The units whose story's first port the input allows between the class pair's ends."""
    intents = ctx.intents
    classes = ctx.classes[intents.firsts]
    src = classes[intents.source[entries[units.row]]]
    dst = classes[intents.target[entries[units.row]]]
    first_port = [ports[0] for _, _, ports in units.stories]
    keys = sorted(set(first_port))
    index = {key: at for at, key in enumerate(keys)}
    key_of = np.array([index[k] for k in first_port], dtype=np.int64)[units.story]
    keep = np.zeros(len(units.row), dtype=bool)
    for at, key in enumerate(keys):
        chosen = np.flatnonzero(key_of == at)
        keep[chosen] = ctx.engine.class_allowed(*key)[src[chosen], dst[chosen]]
    return units.restricted(keep)


class Flows(Sequence[OneSidedFlow]):
    """One-sided flows in the order the policies name their endpoint pairs (a pair's flows by
    their first port), kept per class pair: each unit of ``units`` is a story that every
    endpoint pair of its class pair tells. Flows are made only when read (a what-if often
    needs only how many there are and the first few)."""

    def __init__(
        self,
        intents: Intents,
        endpoints: Sequence[Endpoint],
        entries: np.ndarray,
        units: Answers,
    ) -> None:
        self._intents = intents
        self._endpoints = endpoints
        self._entries = entries
        self._units = units
        self._counts = intents.pair_counts(entries)[units.row]
        """Per unit: how many flows tell it."""

    def __len__(self) -> int:
        return int(self._counts.sum())

    def where(self, keep: Callable[[Story], bool]) -> Flows:
        """The flows whose story ``keep`` keeps."""
        kept = np.array([keep(story) for story in self._units.stories], dtype=bool)
        chosen = kept[self._units.story] if len(kept) else np.zeros(0, dtype=bool)
        return Flows(self._intents, self._endpoints, self._entries, self._units.restricted(chosen))

    def stories(self) -> list[tuple[list[OneSidedFlow], int]]:
        """Flows that one rule admits and the same policies refuse, on the same ports, at the
        same namespace's end (one story, told once), in first-seen order: the first
        ``EXAMPLES`` flows of each and how many it has. Counted per class pair; only the
        flows shown are made."""
        units = self._units
        if not len(units.row):
            return []
        kinds: dict[tuple[object, ...], int] = {}
        kind = [
            kinds.setdefault((ref, side.direction, side.policies, ports), len(kinds))
            for ref, side, ports in units.stories
        ]
        ingress = np.array([side.direction == "ingress" for _, side, _ in units.stories])
        entries = self._entries[units.row]
        intents = self._intents
        owner = np.where(ingress[units.story], intents.target[entries], intents.source[entries])
        names: dict[str, int] = {}
        firsts = intents.firsts.tolist()
        namespace_of = np.array(
            [names.setdefault(self._endpoints[i].namespace, len(names)) for i in firsts],
            dtype=np.int64,
        )
        _, group = numbered(
            np.array(kind, dtype=np.int64)[units.story] * len(names) + namespace_of[owner]
        )
        counts = np.bincount(group, weights=self._counts)
        shown = self._firsts(group, EXAMPLES)
        starts = np.flatnonzero(np.r_[True, shown.group[1:] != shown.group[:-1]])
        ends = np.r_[starts[1:], len(shown.group)]
        order = np.lexsort(tuple(k[starts] for k in reversed(shown.key)))
        made = self._flows(shown)
        bounds = zip(starts[order].tolist(), ends[order].tolist(), strict=True)
        totals = counts[shown.group[starts[order]]].astype(np.int64).tolist()
        return [(made[a:b], total) for (a, b), total in zip(bounds, totals, strict=True)]

    def _firsts(self, group: np.ndarray, limit: int | None) -> _Shown:
        """Per group of units (``group``: each unit's), its first ``limit`` flows (all of
        them without a limit) in order, group by group."""
        units = self._units
        entries = self._entries[units.row]
        chosen = np.arange(len(units.row))
        if limit is not None:  # a group's first flows are among its first units' first pairs
            key = self._intents.first_keys(entries)
            order = _lexical_order((group, *key, units.rank))
            chosen = order[_rank_in_runs(group[order]) < limit]
        pairs = self._intents.pod_pairs(entries[chosen], limit)
        unit = chosen[pairs.entry]
        order = _lexical_order((group[unit], *pairs.key, units.rank[unit]))
        if limit is not None:
            order = order[_rank_in_runs(group[unit][order]) < limit]
        return _Shown(
            unit[order],
            pairs.source[order],
            pairs.target[order],
            group[unit][order],
            (*(k[order] for k in pairs.key), units.rank[unit][order]),
        )

    def _flows(self, shown: _Shown) -> list[OneSidedFlow]:
        stories, endpoints = self._units.stories, self._endpoints
        told = self._units.story[shown.unit].tolist()
        ends = zip(shown.source.tolist(), shown.target.tolist(), told, strict=True)
        return [OneSidedFlow(endpoints[s], endpoints[d], *stories[t]) for s, d, t in ends]

    def _first(self, count: int | None) -> list[OneSidedFlow]:
        return self._flows(self._firsts(np.zeros(len(self._units.row), dtype=np.int64), count))

    @overload
    def __getitem__(self, index: int) -> OneSidedFlow: ...

    @overload
    def __getitem__(self, index: slice) -> list[OneSidedFlow]: ...

    def __getitem__(self, index: int | slice) -> OneSidedFlow | list[OneSidedFlow]:
        if isinstance(index, slice):
            wanted = range(*index.indices(len(self)))
            flows = self._first(max(wanted, default=-1) + 1)
            return [flows[i] for i in wanted]
        if not -len(self) <= index < len(self):
            raise IndexError(index)
        return self._first(index % len(self) + 1)[-1]

    def __iter__(self) -> Iterator[OneSidedFlow]:
        return iter(self._first(None))


@dataclass(frozen=True)
class _Shown:
    """Flows picked by ``Flows._firsts``: their unit, ends, group and order key."""

    unit: np.ndarray
    source: np.ndarray
    target: np.ndarray
    group: np.ndarray
    key: tuple[np.ndarray, ...]


def _lexical_order(keys: tuple[np.ndarray, ...]) -> np.ndarray:
    """The order sorting by ``keys`` (non-negative integers, the first one first), on one
    composite integer: trailing keys too wide together are first replaced by their rank."""
    if not len(keys[0]):
        return np.zeros(0, dtype=np.int64)
    folded = list(keys)
    while True:
        widths = [int(k.max(initial=0)).bit_length() for k in folded]
        if sum(widths) <= 63:
            return np.argsort(_composite(folded, widths), kind="stable")
        tail = len(folded) - 1
        while tail > 0 and sum(widths[tail - 1 :]) <= 63:
            tail -= 1
        if tail >= len(folded) - 1:
            return np.lexsort(tuple(reversed(folded)))
        composite = _composite(folded[tail:], widths[tail:])
        order = np.argsort(composite, kind="stable")
        ranks = np.empty(len(composite), dtype=np.int64)
        ranks[order] = np.r_[0, np.cumsum(composite[order][1:] != composite[order][:-1])]
        folded = [*folded[:tail], ranks]


def _composite(keys: list[np.ndarray], widths: list[int]) -> np.ndarray:
    """``keys`` packed into one integer each, the first one in the high bits."""
    found = np.zeros(len(keys[0]), dtype=np.int64)
    for key, width in zip(keys, widths, strict=True):
        found = (found << width) | key.astype(np.int64)
    return found


def _rank_in_runs(values: np.ndarray) -> np.ndarray:
    """Each element's place in its run of equal ``values`` (sorted)."""
    starts = np.r_[True, values[1:] != values[:-1]] if len(values) else np.zeros(0, dtype=bool)
    first = np.flatnonzero(starts)
    return np.arange(len(values)) - np.repeat(first, np.diff(np.r_[first, len(values)]))


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
) -> list[Answer]:
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
    intents = ctx.intents
    to_dns = ctx.dns_mask[intents.firsts][intents.target]
    return one_sided_flows(ctx, np.flatnonzero(~to_dns))


def check_flows(ctx: LintContext) -> Iterator[Finding]:
    """Every one-sided flow; flows with the same admitting rule, refusing policies and ports
    are one finding with a count. This rule owns the story of such a flow: redundant-rule,
    which finds the admitting rule changes nothing, refers to it."""
    blocking: dict[tuple[str, ...], tuple[str, Source | None]] = {}
    rules: dict[tuple[str, str, tuple[PortKey, ...]], str] = {}  # many stories share a fix
    for flows, count in flows_of(ctx).stories():
        flow = flows[0]
        side = flow.refusing
        if side.policies not in blocking:
            policy = ctx.blocking_policy(side)
            blocking[side.policies] = (policy_obj(policy), policy.source)
        obj, source = blocking[side.policies]
        admitted_at = ctx.rule_source(flow.admitted)
        where = f" ({admitted_at.file}:{admitted_at.line})" if admitted_at else ""
        ingress = side.direction == "ingress"
        owner, other = (flow.dst, flow.src) if ingress else (flow.src, flow.dst)
        what = flow.describe()
        refused = refusal(side, owner.id)
        if count > 1:
            shown = [f.describe() for f in flows]
            what = counted("connections", shown, count)
            refused = refusal(side, "the destinations" if ingress else "the sources")
        yield found(
            RULE,
            message=f"{what} {'are' if count > 1 else 'is'} admitted at "
            f"{flow.admitted.direction} by {flow.admitted}{where} but refused at "
            f"{side.direction}: {refused}; add an {side.direction} rule in {owner.namespace}",
            obj=obj,
            source=source,
            snippet=_fix_rule(rules, side.direction, other, flow.ports),
        )


def _fix_rule(
    made: dict[tuple[str, str, tuple[PortKey, ...]], str],
    direction: Direction,
    other: Endpoint,
    ports: tuple[PortKey, ...],
) -> str:
    """``snippets.rule``, each one written once (``made``)."""
    key = (direction, other.id, ports)
    if key not in made:
        made[key] = snippets.rule(direction, other, ports)
    return made[key]
