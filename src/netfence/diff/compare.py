"""Exact semantic diff of two clusters' connectivity, through the engine.

Both engines get every ipBlock CIDR of both sides as ``extra_cidrs``, so their external
partitions line up; the pieces where they still differ are intersected, so each external
address is compared exactly once. Ports are compared as interval sets, never sampled.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from netfence.diff.grouped import Choice, grouping
from netfence.diff.grouped import Progress as Progress  # (rows done, rows in all)
from netfence.diff.result import Change, DiffResult
from netfence.engine import Engine, EngineOptions, ExternalRange, Node
from netfence.engine.intervals import IPSet, PortSet
from netfence.engine.port_table import PortPatterns
from netfence.engine.rows import distinct_rows, joined, numbered, row_blocks
from netfence.engine.tier_match import tier_cidrs
from netfence.model import PROTOCOLS, Cluster, Endpoint, IPNetwork, Protocol

Connections = Mapping[Protocol, PortSet]


@dataclass(frozen=True)
class Slot:
    """One node as each side knows it (``None`` where a side lacks it)."""

    id: str
    old: Node | None
    new: Node | None
    cidrs: tuple[IPNetwork, ...] = ()


def external_slot(
    ident: str, addresses: IPSet, old: ExternalRange | None, new: ExternalRange | None
) -> Slot:
    """A piece of the outside; named after its CIDRs unless a whole class on both sides."""
    return Slot(ident or f"ext:{addresses.description()}", old, new, addresses.cidrs())


def align_externals(old: tuple[ExternalRange, ...], new: tuple[ExternalRange, ...]) -> list[Slot]:
    """The common refinement of two external partitions."""
    new_sets = [(x, IPSet.of(x.cidrs)) for x in new]
    covered_by_old = IPSet()
    pieces: list[Slot] = []
    for xa in old:
        old_set = IPSet.of(xa.cidrs)
        covered_by_old = covered_by_old | old_set
        rest = old_set
        for xb, new_set in new_sets:
            common = old_set & new_set
            if not common.is_empty:
                same = common == old_set == new_set and xa.id == xb.id
                pieces.append(external_slot(xa.id if same else "", common, xa, xb))
                rest = rest - new_set
        if not rest.is_empty:
            pieces.append(external_slot("", rest, xa, None))
    for xb, new_set in new_sets:
        rest = new_set - covered_by_old
        if not rest.is_empty:
            pieces.append(external_slot("", rest, None, xb))
    return pieces


def _ranges(engine: Engine) -> tuple[ExternalRange, ...]:
    return tuple(x for x in engine.externals if not x.domain)


def domain_slots(old: tuple[ExternalRange, ...], new: tuple[ExternalRange, ...]) -> list[Slot]:
    """``fqdn:`` destinations, matched by name (they have no addresses to align)."""
    olds = {x.id: x for x in old if x.domain}
    news = {x.id: x for x in new if x.domain}
    return [Slot(i, olds.get(i), news.get(i)) for i in sorted(olds.keys() | news.keys())]


def _connections(
    engine: Engine, src: Node | None, dst: Node | None
) -> tuple[Connections, Connections]:
    """Ports allowed at some addresses of the ends without an IP, and at every one."""
    if src is None or dst is None:
        return {}, {}
    if src is dst and isinstance(src, Endpoint):  # a witness: two pods of its class
        return engine.connections_within(src)
    return engine.connections(src, dst), engine.certain_connections(src, dst)


def pair_changes(
    src: Slot,
    dst: Slot,
    before: Connections,
    after: Connections,
    certain: Connections | None = None,
) -> Iterator[Change]:
    """Ports added and removed between two readings of one ordered pair, per protocol (ports
    that some address of an end without an IP allows count as allowed); an added change
    ``depends_on_address`` when ``certain`` (the new ports allowed at every address) lacks
    some of its ports."""
    for protocol in PROTOCOLS:
        old_ports = before.get(protocol, PortSet())
        new_ports = after.get(protocol, PortSet())
        added, removed = new_ports - old_ports, old_ports - new_ports
        if not added.is_empty:
            sure = new_ports if certain is None else certain.get(protocol, PortSet())
            yield Change(
                "added",
                src.id,
                dst.id,
                protocol,
                added,
                src.cidrs,
                dst.cidrs,
                depends_on_address=not (added - sure).is_empty,
            )
        if not removed.is_empty:
            yield Change("removed", src.id, dst.id, protocol, removed, src.cidrs, dst.cidrs)


def with_tier(engine: Engine, src: Slot, dst: Slot, change: Change) -> Change:
    """``change`` with the tier deciding the new state at its lowest port, if a tier does."""
    if src.new is None or dst.new is None:
        return change
    low = next(iter(change.ports))[0]
    return change._replace(tier=engine.verdict(src.new, dst.new, low, change.protocol).tier)


def aligned_options(old: Cluster, new: Cluster, options: EngineOptions | None) -> EngineOptions:
    """Engine options whose external partition is refined by both sides' ipBlocks, with one
    pod CIDR for both (given, else both inputs' Nodes', else the default)."""
    base = options or EngineOptions()
    pods = base.pod_cidrs or tuple(
        dict.fromkeys(c for side in (old, new) for node in side.nodes for c in node.pod_cidrs)
    )
    cidrs = dict.fromkeys(
        base.extra_cidrs
        + old.ipblock_cidrs()
        + new.ipblock_cidrs()
        + tier_cidrs(old)
        + tier_cidrs(new)
    )
    return replace(base, extra_cidrs=tuple(cidrs), pod_cidrs=pods)


def _slot_classes(engine: Engine, nodes: Sequence[Node | None]) -> np.ndarray:
    """Each slot's class on one side (-1 where the side lacks the node)."""
    index = engine.node_index
    at = np.array([-1 if n is None else index[n.id] for n in nodes], dtype=np.int64)
    return np.where(at >= 0, engine.node_classes()[at], -1)


def _cells(numbers: np.ndarray, empty: int, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """``numbers[rows, columns]`` (a side's pattern numbers), ``empty`` where the row or
    column is -1 (the side lacks the node)."""
    found = numbers[np.ix_(np.maximum(rows, 0), np.maximum(columns, 0))].astype(np.int32)
    found[rows < 0, :] = empty
    found[:, columns < 0] = empty
    return found


def _pair_numbers(new: PortPatterns) -> tuple[np.ndarray, np.ndarray]:
    """A number for each (some, every) pair of ``new``'s port set numbers that some cell
    holds, the pair of a side lacking the node (``len(new.sets)`` twice) included: the
    table from ``some * width + every`` to the number, and each number's key."""
    width = len(new.sets) + 1
    present = np.zeros(width * width, dtype=bool)
    present[-1] = True
    for rows in row_blocks(len(new.some)):
        present[new.some[rows].astype(np.int64) * width + new.every[rows]] = True
    table = np.cumsum(present) - 1
    return table, np.flatnonzero(present)


def _templates(
    before: Engine, after: Engine, old_of: np.ndarray, new_of: np.ndarray
) -> tuple[np.ndarray, list[list[Change]]]:
    """[joint class, joint class] the number of its changes' template (changes with no
    pair named), and the templates, numbered in the order of their port set numbers (old,
    new, new at every address; protocol by protocol). Found a block of rows at a time, each
    cell's numbers kept small enough to be numbered by counting."""
    patterns = [(before.port_patterns(p), after.port_patterns(p)) for p in PROTOCOLS]
    pairs = [_pair_numbers(new) for _, new in patterns]
    size = len(old_of)
    numbers = np.zeros((size, size), dtype=np.int32)
    found: dict[tuple[int, ...], int] = {}
    for rows in row_blocks(size):
        codes = []
        for (old, new), (table, keys) in zip(patterns, pairs, strict=True):
            width = len(new.sets) + 1
            pair = _cells(new.some, len(new.sets), new_of[rows], new_of).astype(np.int64)
            pair = table[pair * width + _cells(new.every, len(new.sets), new_of[rows], new_of)]
            code = _cells(old.some, len(old.sets), old_of[rows], old_of).astype(np.int64)
            codes.append((code * len(keys) + pair).ravel())
        first, inverse = numbered(joined(tuple(codes)))
        distinct = np.stack([c[first] for c in codes], axis=1).tolist()
        ids = [found.setdefault(tuple(row), len(found)) for row in distinct]
        numbers[rows] = np.array(ids, dtype=np.int32)[inverse].reshape(-1, size)
    ranked = sorted(found)
    rank = np.empty(len(ranked), dtype=np.int64)
    rank[[found[k] for k in ranked]] = np.arange(len(ranked))
    slot = Slot("", None, None)
    templates = []
    for key in ranked:
        olds, news, sure = {}, {}, {}
        for protocol, number, (old, new), (_, keys) in zip(
            PROTOCOLS, key, patterns, pairs, strict=True
        ):
            width = len(new.sets) + 1
            o, (n, c) = number // len(keys), divmod(int(keys[number % len(keys)]), width)
            olds[protocol] = old.sets[o] if o < len(old.sets) else PortSet()
            news[protocol] = new.sets[n] if n < len(new.sets) else PortSet()
            sure[protocol] = new.sets[c] if c < len(new.sets) else PortSet()
        templates.append(list(pair_changes(slot, slot, olds, news, sure)))
    ordered: np.ndarray = rank[numbers].astype(np.min_scalar_type(max(len(ranked), 1)))
    return ordered, templates


class _Changes:
    """The changes of every ordered pair of slots, from the joint classes' templates."""

    def __init__(self, before: Engine, after: Engine, slots: list[Slot]) -> None:
        self.before, self.after, self.slots = before, after, slots
        old_of = _slot_classes(before, [s.old for s in slots])
        new_of = _slot_classes(after, [s.new for s in slots])
        pairs = np.stack([old_of, new_of], axis=1)
        first, self.joint = distinct_rows(pairs)
        self.first = first
        """A slot of each joint class."""
        self.numbers, self.templates = _templates(before, after, pairs[first, 0], pairs[first, 1])
        changing = np.array([bool(t) for t in self.templates], dtype=bool)
        self.changing = changing[self.numbers]
        self.tiered = bool(before.cluster.tier_policies or after.cluster.tier_policies)
        self._answers: dict[tuple[int, int], list[Change]] = {}

    def targets(self, source: int, targets: np.ndarray) -> np.ndarray:
        """Which of ``targets`` (slot numbers) have changes from slot ``source``."""
        chosen: np.ndarray = targets[self.changing[self.joint[source], self.joint[targets]]]
        return chosen

    def variant(self, source: int, target: int) -> list[Change]:
        """The changes from joint class ``source`` to ``target`` (no pair named), with the
        tier deciding each, asked of one slot of each class."""
        key = (source, target)
        if key not in self._answers:
            found = self.templates[int(self.numbers[key])]
            if self.tiered:
                src, dst = self.slots[self.first[source]], self.slots[self.first[target]]
                found = [with_tier(self.after, src, dst, c) for c in found]
            self._answers[key] = found
        return self._answers[key]

    def of(self, src: Slot, dst: Slot, source: int, target: int) -> list[Change]:
        """The changes of one pair (a witness with itself: two pods of its class)."""
        if source == target:
            before_pair = _connections(self.before, src.old, dst.old)[0]
            after_pair, certain = _connections(self.after, src.new, dst.new)
            found = list(pair_changes(src, dst, before_pair, after_pair, certain))
        else:
            found = self.variant(int(self.joint[source]), int(self.joint[target]))
        return [
            Change(
                c.kind,
                src.id,
                dst.id,
                c.protocol,
                c.ports,
                src.cidrs,
                dst.cidrs,
                c.tier,
                c.depends_on_address,
            )
            for c in found
        ]


def compare(
    old: Cluster,
    new: Cluster,
    *,
    old_label: str = "old",
    new_label: str = "new",
    options: EngineOptions | None = None,
    progress: Progress | None = None,
    group: Choice = "pod",
) -> DiffResult:
    """Connections the new cluster allows that the old does not (added), and the reverse:
    per pair of pods (and external ranges), or per pair of workloads or namespaces
    (``group``; ``auto``: see ``grouped.grouping``). Evaluated on possible witnesses
    (neither side has workloads), the diff is always per witness."""
    engine_options = aligned_options(old, new, options)
    before, after = Engine(old, engine_options), Engine(new, engine_options)
    old_ends = {e.id: e for e in before.endpoints}
    new_ends = {e.id: e for e in after.endpoints}
    ids = sorted(old_ends.keys() | new_ends.keys())
    endpoints = [Slot(i, old_ends.get(i), new_ends.get(i)) for i in ids]
    externals = align_externals(_ranges(before), _ranges(after))
    externals += domain_slots(before.externals, after.externals)
    possible = dict(old.witnesses) | dict(new.witnesses)
    slots = endpoints + externals
    found = _Changes(before, after, slots)
    inside = len(endpoints)
    choice = "pod" if possible else group
    level, counted, grouped = grouping(found, slots, inside, choice, progress)
    if grouped is None:
        changes = _pod_changes(found, slots, inside, possible, progress)
    else:
        changes = grouped.changes()
    return DiffResult(
        old=old_label,
        new=new_label,
        changes=tuple(changes),
        endpoints_added=tuple(sorted(new_ends.keys() - old_ends.keys())),
        endpoints_removed=tuple(sorted(old_ends.keys() - new_ends.keys())),
        ipblock_pods=engine_options.ipblock_pods,
        group=level,
        pod_records=counted,
        witnesses=tuple(sorted(possible.items())),
        notes=tuple(dict.fromkeys((*before.placement_notes, *after.placement_notes))),
    )


def _pod_changes(
    found: _Changes,
    slots: list[Slot],
    inside: int,
    possible: Mapping[str, str],
    progress: Progress | None,
) -> list[Change]:
    """The changes of every ordered pair of slots (pods before ``inside``, then externals),
    outside to outside left out; a pod with itself only where it is a witness."""
    pods = np.arange(inside)
    outside = np.arange(inside, len(slots))
    blocks = [(pods, pods), (pods, outside), (outside, pods)]
    rows = sum(len(sources) for sources, _ in blocks)
    changes: list[Change] = []
    done = 0
    for sources, targets in blocks:
        for source in sources.tolist():
            src = slots[source]
            for target in found.targets(source, targets).tolist():
                if target != source or src.id in possible:
                    changes.extend(found.of(src, slots[target], source, target))
            done += 1
            if progress is not None:
                progress(done, rows)
    return changes
