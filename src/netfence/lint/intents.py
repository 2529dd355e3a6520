"""What the policies mean to allow: pairs a rule names by label at either end, kept as pairs
of endpoint classes with the order the policies name their pods in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from netfence.engine.rows import numbered
from netfence.model import DIRECTIONS, Cluster, Direction, NetworkPolicy, Peer


class PolicyView(Protocol):
    """What finding intended pairs asks of a lint run (``LintContext`` is one)."""

    cluster: Cluster

    @property
    def named_ends(self) -> np.ndarray: ...

    @property
    def subject_mask(self) -> np.ndarray: ...

    @property
    def lint_classes(self) -> np.ndarray: ...

    def selected_positions(self, policy: NetworkPolicy, direction: Direction) -> np.ndarray: ...

    def peer_positions(self, policy: NetworkPolicy, peer: Peer) -> np.ndarray: ...


def is_intent(peer: Peer) -> bool:
    """Whether a peer names pods or namespaces by label (unlike an ipBlock or ``{}``)."""
    selectors = [s for s in (peer.pod_selector, peer.namespace_selector) if s is not None]
    return peer.ip_block is None and any(not s.is_empty for s in selectors)


@dataclass(frozen=True)
class PodPairs:
    """Pod pairs of some class pairs (``entry``: which of them), in the order the policies
    name them when sorted by ``key``."""

    entry: np.ndarray
    source: np.ndarray
    target: np.ndarray
    key: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]
    """(block, position of the policy's own end, peer, position of the named end)."""


@dataclass(frozen=True)
class Intents:
    """The (source, destination) endpoint pairs that a rule names by label at either end:
    a policy's selected endpoints (those findings can be about) times the endpoints its
    label peers name (those too, and the DNS servers), never an endpoint with itself.

    Kept per pair of classes (``LintContext.lint_classes``: every member of a class is
    selected and named alike), each with the first policy direction (``block``) naming it,
    which end is that policy's own, and the first of its peers naming the other end. The
    policies name pod pairs block by block, own end by own end, peer by peer, in input
    order: ``PodPairs.key`` sorts them so (each pair where first named)."""

    class_of: np.ndarray
    """Per endpoint (input order): its class."""
    members: np.ndarray
    """The endpoints' positions by class, ascending within each."""
    starts: np.ndarray
    """Per class: where its members start in ``members``."""
    sizes: np.ndarray
    """Per class: how many members it has."""
    source: np.ndarray
    target: np.ndarray
    block: np.ndarray
    own_is_source: np.ndarray
    peer: np.ndarray

    def __len__(self) -> int:
        return len(self.source)

    @property
    def firsts(self) -> np.ndarray:
        """Per class: the position of its first endpoint (it stands for the class)."""
        found: np.ndarray = self.members[self.starts]
        return found

    def pair_counts(self, entries: np.ndarray) -> np.ndarray:
        """How many pod pairs (never one with itself) each class pair of ``entries`` holds."""
        sizes = self.sizes
        src, dst = self.source[entries], self.target[entries]
        counts: np.ndarray = sizes[src] * sizes[dst] - np.where(src == dst, sizes[src], 0)
        return counts

    def pod_pairs(self, entries: np.ndarray, limit: int | None = None) -> PodPairs:
        """The pod pairs of the class pairs ``entries`` (the first ``limit`` of each in the
        policies' order, all without a limit); ``PodPairs.entry`` indexes ``entries``."""
        sizes = self.sizes
        own = np.where(self.own_is_source[entries], self.source[entries], self.target[entries])
        named = np.where(self.own_is_source[entries], self.target[entries], self.source[entries])
        same = own == named
        rows, cols = sizes[own], sizes[named]
        if limit is not None:  # the first pairs, row by row (a row loses at most its self)
            cols = np.minimum(cols, limit + same)
            per_row = np.maximum(cols - same, 1)
            rows = np.minimum(rows, -(-limit // per_row))
        entry, i, j = _grid(rows, cols)
        at_own = self.members[self.starts[own[entry]] + i]
        at_named = self.members[self.starts[named[entry]] + j]
        keep = ~(same[entry] & (at_own == at_named))
        entry, at_own, at_named = entry[keep], at_own[keep], at_named[keep]
        if limit is not None:
            starts = np.searchsorted(entry, np.arange(len(entries)))
            rank = np.arange(len(entry)) - starts[entry]
            keep = rank < limit
            entry, at_own, at_named = entry[keep], at_own[keep], at_named[keep]
        chosen = entries[entry]
        outward = self.own_is_source[chosen]
        source = np.where(outward, at_own, at_named)
        target = np.where(outward, at_named, at_own)
        key = (self.block[chosen], at_own, self.peer[chosen].astype(np.int64), at_named)
        return PodPairs(entry, source, target, key)

    def first_keys(
        self, entries: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """``PodPairs.key`` of each class pair's first pod pair (every entry has one)."""
        found = self.pod_pairs(entries, 1)
        return found.key

    def sources_of(self, position: int) -> np.ndarray:
        """The sources the policies name for the endpoint at ``position``, in their order."""
        entries = np.flatnonzero(self.target == self.class_of[position])
        found = self.pod_pairs(entries)
        keep = (found.target == position) & (found.source != position)
        order = np.lexsort(tuple(k[keep] for k in reversed(found.key)))
        sources: np.ndarray = found.source[keep][order]
        return sources


def intents_of(view: PolicyView) -> Intents:
    """The class pairs the policies of ``view.cluster`` name by label (see ``Intents``)."""
    class_of = view.lint_classes
    count = int(class_of.max()) + 1 if len(class_of) else 0
    members = np.argsort(class_of, kind="stable")
    bounds = np.searchsorted(class_of[members], np.arange(count + 1))
    starts, sizes = bounds[:-1], np.diff(bounds)
    parts: list[tuple[np.ndarray, ...]] = []
    block = 0
    for policy in view.cluster.policies:
        for direction in DIRECTIONS:
            own = view.selected_positions(policy, direction)
            own_classes = np.unique(class_of[own[view.subject_mask[own]]])
            named, peer = _named_classes(view, policy, direction, class_of)
            egress = direction == "egress"
            a = np.repeat(own_classes, len(named))
            b = np.tile(named, len(own_classes))
            parts.append(
                (
                    a if egress else b,
                    b if egress else a,
                    np.full(len(a), block, dtype=np.int64),
                    np.full(len(a), egress, dtype=bool),
                    np.tile(peer, len(own_classes)),
                )
            )
            block += 1
    columns = [np.concatenate([p[i] for p in parts]) for i in range(5)] if parts else []
    if not columns:
        empty = np.zeros(0, dtype=np.int64)
        none = (empty, empty, empty, empty.astype(bool), empty)
        return Intents(class_of, members, starts, sizes, *none)
    source, target, blocks, outward, peers = columns
    lone = (source == target) & (sizes[source] < 2)  # one pod: only a pair with itself
    source, target, blocks, outward, peers = (c[~lone] for c in columns)
    first, _ = numbered(source * max(count, 1) + target)
    first = np.sort(first)
    small = np.int32  # millions of class pairs
    return Intents(
        class_of,
        members,
        starts,
        sizes,
        source[first].astype(small),
        target[first].astype(small),
        blocks[first].astype(small),
        outward[first],
        peers[first].astype(small),
    )


def _named_classes(
    view: PolicyView, policy: NetworkPolicy, direction: Direction, class_of: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The classes the label peers of ``policy``'s ``direction`` rules name (those that can
    be a named end), each with the index of the first such peer naming it."""
    peers = [
        view.peer_positions(policy, peer)
        for rule in policy.rules(direction)
        for peer in rule.peers
        if is_intent(peer)
    ]
    if not peers:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    positions = np.concatenate(peers)
    index = np.repeat(np.arange(len(peers)), [len(p) for p in peers])
    keep = view.named_ends[positions]
    classes, index = class_of[positions[keep]], index[keep]
    first, _ = numbered(classes)
    return classes[first], index[first]


def _grid(rows: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each entry, every (i, j) with i < rows and j < cols, i-major: (entry, i, j)."""
    cells = rows * cols
    entry = np.repeat(np.arange(len(rows)), cells)
    starts = np.cumsum(cells) - cells
    offset = np.arange(int(cells.sum())) - starts[entry]
    width = np.maximum(cols[entry], 1)
    return entry, offset // width, offset % width
