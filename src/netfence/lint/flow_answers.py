"""The stories of one-sided flows per pair of endpoint classes: on which ports one end admits
by label while the other refuses, the first admitting rule, and the refusing side."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from netfence.engine import Engine, RuleRef, SideVerdict
from netfence.engine.admission import Admission, chunks
from netfence.engine.rows import joined, numbered
from netfence.lint.intents import is_intent
from netfence.lint.port_keys import ClassPorts, PortKey
from netfence.model import Direction, Endpoint, NetworkPolicy, Rule

Story = tuple[RuleRef, SideVerdict, tuple[PortKey, ...]]
"""The admitting rule, the refusing side (of the class pair) and the ports."""


@dataclass(frozen=True)
class Answers:
    """What each asked class pair tells: unit ``u`` is story ``stories[story[u]]`` of pair
    ``row[u]``, ``rank[u]`` its place among that pair's stories (by their first port)."""

    row: np.ndarray
    rank: np.ndarray
    story: np.ndarray
    stories: list[Story]

    def restricted(self, keep: np.ndarray) -> Answers:
        """The units ``keep`` marks."""
        return Answers(self.row[keep], self.rank[keep], self.story[keep], self.stories)

    def expanded(self, row_of: np.ndarray) -> Answers:
        """The units of every entry whose pair is ``row_of[entry]`` (``row`` then names the
        entry), entry by entry."""
        order = np.argsort(self.row, kind="stable")
        counts = np.bincount(self.row, minlength=int(row_of.max(initial=-1)) + 1)
        starts = np.cumsum(counts) - counts
        per_entry = counts[row_of] if len(counts) else np.zeros(len(row_of), dtype=np.int64)
        entry = np.repeat(np.arange(len(row_of)), per_entry)
        offset = np.arange(len(entry)) - np.repeat(np.cumsum(per_entry) - per_entry, per_entry)
        units = order[starts[row_of[entry]] + offset]
        return Answers(entry, self.rank[units], self.story[units], self.stories)


def intent_admits(policy: NetworkPolicy, rule: Rule, peer: int | None) -> bool:
    """Whether an admission through ``rule``'s peer at ``peer`` is by label."""
    return peer is not None and is_intent(rule.peers[peer])


class Sides:
    """Per endpoint class of ``engine``: whether it is isolated in each direction before
    (``before``) and with ``added`` (a policy without rules) joined in (``isolated``), and
    the policies isolating it."""

    def __init__(
        self,
        engine: Engine,
        alike: tuple[Mapping[int, Endpoint], Mapping[Direction, np.ndarray]],
        added: NetworkPolicy | None,
        in_namespace: Iterable[int] = (),
    ) -> None:
        self.engine = engine
        self.added = added
        self.members, self.before = alike
        self.size = len(self.before["egress"])
        self.covered = np.zeros(self.size, dtype=bool)
        """Classes ``added`` selects (of ``in_namespace``: the classes of its namespace)."""
        if added is not None:
            for number in in_namespace:
                member = self.members[number]
                self.covered[number] = added.pod_selector.matches(member.label_map)
        self.isolated = dict(self.before)
        for direction in added.policy_types if added is not None else ():
            self.isolated[direction] = self.before[direction] | self.covered
        self._sides: dict[tuple[int, Direction], SideVerdict] = {}

    def refusing(self, number: int, direction: Direction) -> SideVerdict:
        """The refusing side of class ``number`` (its endpoint left blank), made once."""
        key = (number, direction)
        if key not in self._sides:
            found = tuple(p.id for p in self.engine.selecting(self.members[number], direction))
            added = self.added
            if added is not None and direction in added.policy_types and self.covered[number]:
                found += (added.id,)
            self._sides[key] = SideVerdict(direction, "", True, found, (), False)
        return self._sides[key]


def class_answers(
    admission: Admission, ports: ClassPorts, sides: Sides, src: np.ndarray, dst: np.ndarray
) -> Answers:
    """The stories of the class pairs ``src -> dst`` from the rule tables (exact where
    ``admission.exact``): on each candidate port, one end's rules admit (the first by label)
    while the other end's refuse; per refusing side, the first such port's rule and every
    such port. With a what-if policy in ``sides``: only the stories whose first port the
    input allows today."""
    hits: list[tuple[np.ndarray, ...]] = []
    before = sides.before
    for part in chunks(len(src)):
        start = part.start or 0
        src_part, dst_part = src[part], dst[part]
        outward = admission.pair_rules("egress", src_part, dst_part, intent_admits)
        inward = admission.pair_rules("ingress", dst_part, src_part, intent_admits)
        for key, (port, protocol) in enumerate(ports.keys):
            rows = np.flatnonzero(ports.asked(src_part, dst_part, key))
            if not len(rows):
                continue
            s, d = src_part[rows], dst_part[rows]
            out = outward.admitted(d, port, protocol, rows)
            into = inward.admitted(d, port, protocol, rows)
            out_allows = before["egress"][s] & out.any
            in_allows = before["ingress"][d] & into.any
            today = np.ones(len(rows), dtype=bool)  # allowed today: asked only for a what-if
            if sides.added is not None:
                today = (out_allows | ~before["egress"][s]) & (in_allows | ~before["ingress"][d])
            for admits, chosen, refusing_ingress in (
                (out, out_allows & ~in_allows & (out.rule >= 0), 1),
                (into, in_allows & ~out_allows & (into.rule >= 0), 0),
            ):
                at = np.flatnonzero(chosen)
                hits.append(
                    (
                        start + rows[at],
                        np.full(len(at), refusing_ingress),
                        np.full(len(at), key),
                        admits.rule[at],
                        admits.peer[at].astype(np.int64),
                        admits.port[at].astype(np.int64),
                        today[at].astype(np.int64),
                    )
                )
    empty = np.zeros(0, dtype=np.int64)
    columns = [np.concatenate(c) for c in zip(*hits, strict=True)] if hits else [empty] * 7
    if not len(columns[0]):
        return Answers(empty, empty, empty, [])
    row, refused, key_of, rule, peer, port_of, allowed = columns
    order = np.lexsort((key_of, refused, row))
    row, refused, key_of = row[order], refused[order], key_of[order]
    rule, peer, port_of = rule[order], peer[order], port_of[order]
    side = row * 2 + refused
    starts = np.flatnonzero(np.r_[True, side[1:] != side[:-1]])
    if sides.added is not None:  # a what-if: the stories whose first port is allowed today
        kept = np.repeat(allowed[order][starts] == 1, np.diff(np.r_[starts, len(side)]))
        if not kept.any():
            return Answers(empty, empty, empty, [])
        row, refused, key_of, rule, peer, port_of, side = (
            a[kept] for a in (row, refused, key_of, rule, peer, port_of, side)
        )
        starts = np.flatnonzero(np.r_[True, side[1:] != side[:-1]])
    mask = _port_masks(key_of, starts)
    first = key_of[starts]
    story_rows, story_refused = row[starts], refused[starts]
    owner = np.where(story_refused == 1, dst[story_rows], src[story_rows])
    codes = joined(
        (
            story_refused,
            rule[starts],
            peer[starts] + 2,
            port_of[starts] + 2,
            _refusing_sets(sides, owner, story_refused),
            mask,
        )
    )
    chosen, story = numbered(codes)
    stories = []
    for at in chosen.tolist():
        refusing: Direction = "ingress" if story_refused[at] == 1 else "egress"
        admitting: Direction = "egress" if refusing == "ingress" else "ingress"
        start = int(starts[at])
        ref = admission.ref(admitting, int(rule[start]), int(peer[start]), int(port_of[start]))
        end = int(starts[at + 1]) if at + 1 < len(starts) else len(key_of)
        keys = tuple(ports.keys[k] for k in key_of[start:end].tolist())
        stories.append((ref, sides.refusing(int(owner[at]), refusing), keys))
    return Answers(story_rows, _ranks(story_rows, first), story, stories)


def _refusing_sets(sides: Sides, owner: np.ndarray, refused: np.ndarray) -> np.ndarray:
    """Per story: a number for its refusing side (direction and isolating policies), equal
    for owners the same policies isolate."""
    first, inverse = numbered(owner * 2 + refused)
    numbers: dict[tuple[Direction, tuple[str, ...]], int] = {}
    of_pair = []
    for at in first.tolist():
        direction: Direction = "ingress" if refused[at] == 1 else "egress"
        side = sides.refusing(int(owner[at]), direction)
        of_pair.append(numbers.setdefault((direction, side.policies), len(numbers)))
    found: np.ndarray = np.array(of_pair, dtype=np.int64)[inverse]
    return found


def _ranks(rows: np.ndarray, first: np.ndarray) -> np.ndarray:
    """Per story (at most two per row, rows ascending): 1 when the row's other story has the
    earlier first port, else 0."""
    rank = np.zeros(len(rows), dtype=np.int64)
    shared = np.flatnonzero(rows[1:] == rows[:-1])
    rank[shared] = first[shared] > first[shared + 1]
    rank[shared + 1] = first[shared + 1] > first[shared]
    return rank


def _port_masks(keys: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Per run of ``keys`` (runs begin at ``starts``): a number standing for its set of keys
    (equal sets, equal numbers)."""
    words = int(keys.max(initial=0)) // 62 + 1
    found = np.zeros(len(starts), dtype=np.int64)
    for word in range(words):
        inside = keys // 62 == word
        bits = np.where(inside, np.left_shift(1, keys % 62), 0).astype(np.int64)
        column = np.bitwise_or.reduceat(bits, starts) if len(starts) else found
        found = joined((found, column))
    return found
