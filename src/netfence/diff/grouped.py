"""``diff --group workload|namespace``: the changes per ordered pair of groups, counted from the
joint classes' change templates, never by listing pod pairs.

A record says that ``pairs`` of the ``of`` ordered pairs of distinct members of its two groups
gain (or lose) exactly its ports of one protocol; an external range is a group of its own, with
one member. Traffic from outside to outside is not compared, as at pod level.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Literal, Protocol

import numpy as np

from netfence.diff.result import Change
from netfence.model import Endpoint, IPNetwork

Level = Literal["pod", "workload", "namespace"]
Choice = Literal["auto", "pod", "workload", "namespace"]
AUTO_LIMIT = 100_000
"""``auto`` lists pod pairs while they make at most this many records, else workloads while
they make at most this many, else namespaces."""
CHUNK_CELLS = 4_000_000  # entry pairs looked at in one step (bounds the memory)


Progress = Callable[[int, int], None]  # (rows done, rows in all)


class Slot(Protocol):
    """What grouping reads of a diff slot (``compare.Slot``: this module cannot import it)."""

    @property
    def id(self) -> str: ...
    @property
    def old(self) -> object: ...
    @property
    def new(self) -> object: ...
    @property
    def cidrs(self) -> tuple[IPNetwork, ...]: ...


class ChangeTable(Protocol):
    """What grouping reads of the joint classes' changes (``compare._Changes``): each slot's
    joint class, each pair of joint classes' template number and whether it changes."""

    joint: np.ndarray
    numbers: np.ndarray
    changing: np.ndarray
    templates: list[list[Change]]
    tiered: bool

    def variant(self, source: int, target: int) -> list[Change]:
        """The changes of one pair of joint classes, with the tier that decides each."""


def group_of(slot: Slot, level: Level) -> str:
    """A slot's group: its workload (``ns/Kind/name``) or namespace; an external is its own."""
    node = slot.new if slot.new is not None else slot.old
    if isinstance(node, Endpoint):
        return node.workload_id if level == "workload" else node.namespace
    return slot.id


def pod_records(found: ChangeTable, inside: int) -> int:
    """How many records the pod-level diff lists (slots below ``inside`` are pods)."""
    lengths = np.array([len(t) for t in found.templates], dtype=np.int64)[found.numbers]
    size = len(lengths)
    pods = np.bincount(found.joint[:inside], minlength=size).astype(np.int64)
    outside = np.bincount(found.joint[inside:], minlength=size).astype(np.int64)
    every = pods @ lengths @ pods + pods @ lengths @ outside + outside @ lengths @ pods
    itself = lengths[found.joint[:inside], found.joint[:inside]].sum()
    return int(every - itself)


@dataclass(frozen=True)
class _Entries:
    """The distinct (group, joint class) of the slots, by group: how many slots each holds."""

    group: np.ndarray
    joint: np.ndarray
    count: np.ndarray
    external: np.ndarray
    starts: np.ndarray
    """Where each group's entries begin (and, last, how many entries there are)."""


def _entries(group: np.ndarray, joint: np.ndarray, external: np.ndarray, groups: int) -> _Entries:
    size = int(joint.max()) + 1 if len(joint) else 1
    keys, count = np.unique(group * size + joint, return_counts=True)
    owner = keys // size
    starts = np.searchsorted(owner, np.arange(groups + 1))
    return _Entries(owner, keys % size, count, external[owner], starts)


class _Registry:
    """A number for each distinct change (its pair left out), and each variant's numbers."""

    def __init__(self, found: ChangeTable) -> None:
        self.found = found
        self.numbers: dict[tuple[object, ...], int] = {}
        self.changes: list[Change] = []
        self.variants: dict[int, np.ndarray] = {}

    def _number(self, change: Change) -> int:
        key = (change.kind, change.protocol, change.ports, change.tier, change.depends_on_address)
        if key not in self.numbers:
            self.numbers[key] = len(self.changes)
            self.changes.append(change)
        return self.numbers[key]

    def of(self, sources: np.ndarray, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each pair's variant and, per variant met, its change numbers (as one flat list
        with a start per variant): the template, or with tiers the pair's own changes."""
        size = len(self.found.numbers)
        tiered = self.found.tiered
        keys = sources * size + targets if tiered else self.found.numbers[sources, targets]
        distinct, variant = np.unique(keys, return_inverse=True)
        lists = []
        for key in distinct.tolist():
            if key not in self.variants:
                if tiered:
                    changes = self.found.variant(key // size, key % size)
                else:
                    changes = self.found.templates[key]
                self.variants[key] = np.array([self._number(c) for c in changes], np.int64)
            lists.append(self.variants[key])
        lengths = np.array([len(x) for x in lists], dtype=np.int64)
        flat = np.concatenate(lists) if lists else np.zeros(0, np.int64)
        starts = np.cumsum(lengths) - lengths
        per_pair = lengths[variant]
        position = np.arange(per_pair.sum()) - np.repeat(np.cumsum(per_pair) - per_pair, per_pair)
        return np.repeat(np.arange(len(keys)), per_pair), flat[
            np.repeat(starts[variant], per_pair) + position
        ]


def grouping(
    found: ChangeTable,
    slots: Sequence[Slot],
    inside: int,
    group: Choice,
    progress: Progress | None = None,
) -> tuple[Level, int, Grouped | None]:
    """The level a diff is listed at, the pod-level record count when grouped (else 0), and
    the grouped records (None: list pod pairs). ``auto``: pods while at most ``AUTO_LIMIT``
    records, else workloads while at most that many (not when every pod is its own
    workload), else namespaces."""
    if group == "pod":
        return "pod", 0, None
    counted = pod_records(found, inside)
    if group != "auto":
        return group, counted, Grouped(found, slots, inside, group, progress)
    if counted <= AUTO_LIMIT:
        return "pod", 0, None
    grouped = Grouped(found, slots, inside, "workload", progress)
    if grouped.groups == len(slots) or grouped.count() > AUTO_LIMIT:
        grouped = Grouped(found, slots, inside, "namespace", progress)
    return grouped.level, counted, grouped


class Grouped:
    """The diff's records at one level of grouping, computed a few source groups at a time."""

    def __init__(
        self,
        found: ChangeTable,
        slots: Sequence[Slot],
        inside: int,
        level: Level,
        progress: Progress | None = None,
    ) -> None:
        self.found, self.level, self.progress = found, level, progress
        names = sorted({group_of(s, level) for s in slots[:inside]})
        self.names = names + [s.id for s in slots[inside:]]
        ids = {name: n for n, name in enumerate(self.names)}
        group = np.array([ids[group_of(s, level)] for s in slots], dtype=np.int64)
        external = np.arange(len(slots)) >= inside
        self.entries = _entries(group, found.joint, external, len(self.names))
        self.sizes = np.bincount(group, minlength=len(self.names)).astype(np.int64)
        self.cidrs = {ids[s.id]: s.cidrs for s in slots[inside:]}
        self.registry = _Registry(found)

    @property
    def groups(self) -> int:
        return len(self.names)

    @cached_property
    def _table(self) -> list[_Rows]:
        """The records as arrays, a step of source groups each."""
        step = max(1, CHUNK_CELLS // max(1, len(self.entries.group)))
        table = []
        for first in range(0, len(self.names), step):
            last = min(len(self.names), first + step)
            rows = np.arange(int(self.entries.starts[first]), int(self.entries.starts[last]))
            table.append(_rows(self.found, self.entries, rows, self.registry))
            if self.progress is not None:
                self.progress(last, len(self.names))
        return table

    def count(self) -> int:
        """How many records there are."""
        return sum(len(chunk.number) for chunk in self._table)

    def changes(self) -> list[Change]:
        """Every record, by source group, target group and change."""
        records = []
        sizes, names, cidrs = self.sizes.tolist(), self.names, self.cidrs
        templates = self.registry.changes
        for chunk in self._table:
            for src, dst, n, total in zip(
                chunk.sources.tolist(),
                chunk.targets.tolist(),
                chunk.number.tolist(),
                chunk.pairs.tolist(),
                strict=True,
            ):
                every = sizes[src] * sizes[dst] - (sizes[src] if src == dst else 0)
                change = templates[n]
                records.append(
                    Change(
                        change.kind,
                        names[src],
                        names[dst],
                        change.protocol,
                        change.ports,
                        cidrs.get(src, ()),
                        cidrs.get(dst, ()),
                        change.tier,
                        change.depends_on_address,
                        total,
                        every,
                    )
                )
        return records


@dataclass(frozen=True)
class _Rows:
    """Records as arrays: source and target group, change number, member pairs."""

    sources: np.ndarray
    targets: np.ndarray
    number: np.ndarray
    pairs: np.ndarray


def _rows(found: ChangeTable, entries: _Entries, rows: np.ndarray, registry: _Registry) -> _Rows:
    """The records whose source group's entries are ``rows``."""
    joint_rows, joint_columns = entries.joint[rows], entries.joint
    weight = entries.count[rows][:, None] * entries.count[None, :]
    weight[np.arange(len(rows)), rows] -= entries.count[rows]  # a pod and itself
    keep = found.changing[np.ix_(joint_rows, joint_columns)] & (weight > 0)
    keep &= ~(entries.external[rows][:, None] & entries.external[None, :])
    picked_rows, picked_columns = np.nonzero(keep)
    pair, number = registry.of(joint_rows[picked_rows], joint_columns[picked_columns])
    sources = entries.group[rows][picked_rows][pair]
    targets = entries.group[picked_columns][pair]
    counts = weight[picked_rows, picked_columns][pair]
    order = np.lexsort((number, targets, sources))
    sources, targets, number, counts = sources[order], targets[order], number[order], counts[order]
    new = np.ones(len(order), dtype=bool)
    new[1:] = (sources[1:] != sources[:-1]) | (targets[1:] != targets[:-1])
    new[1:] |= number[1:] != number[:-1]
    starts = np.flatnonzero(new)
    totals = np.add.reduceat(counts, starts) if len(starts) else counts
    return _Rows(sources[starts], targets[starts], number[starts], totals)
