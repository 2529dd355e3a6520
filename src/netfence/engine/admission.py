"""Which NetworkPolicy rule admits a connection, for many pairs of node classes at once: the
class-level form of a side verdict's ``admitted_by`` (``Reference.side`` is the spec).

Exact when the NetworkPolicy tier alone decides (no tier, Cilium or Calico policies) and
every node has one placement (an endpoint without an IP is where the pod CIDR's only address
class puts it), so that the engine's classes are these."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from netfence.engine.addresses import placed, unaddressed
from netfence.engine.classes import NodeClasses
from netfence.engine.core import Engine
from netfence.engine.verdict import RuleRef
from netfence.model import DIRECTIONS, Direction, NetworkPolicy, Peer, PolicyPort, Protocol, Rule

NONE = -1
"""No peer (or no port entry) of the rule matches."""
ALL = -2
"""The rule lists no peers (or no ports): it matches every one."""
CHUNK = 16_384
"""Class pairs evaluated per step (bounds the [rule, pair] tables)."""

Keep = Callable[[NetworkPolicy, Rule, int | None], bool]
"""Whether an admission by ``rule`` through its peer at this index (None: it has no peers)
counts."""


@dataclass(frozen=True)
class Admitted:
    """For each asked pair: whether some rule admits it, and the first rule that ``keep``
    accepts (its row, -1 for none) with the indices of its matching peer and port entry."""

    any: np.ndarray
    rule: np.ndarray
    peer: np.ndarray
    port: np.ndarray


@dataclass(frozen=True)
class PortMatch:
    """The first ports entry of each rule admitting one port: ``plain`` for the rules whose
    answer is the same at every destination class, ``table`` rows (``row``: which, -1 for
    none) for the rules naming a port by name."""

    plain: np.ndarray
    row: np.ndarray
    table: np.ndarray

    def at(self, rules: np.ndarray, targets: np.ndarray) -> np.ndarray:
        """[pair, j]: the entry of rule ``rules[pair, j]`` at destination ``targets[pair]``."""
        found: np.ndarray = self.plain[rules]
        rows = self.row[rules]
        named = rows >= 0
        if named.any():
            columns = np.broadcast_to(targets[:, None], rules.shape)
            found[named] = self.table[rows[named], columns[named]]
        return found


def _admits(entry: PolicyPort, port: int, protocol: Protocol) -> bool:
    """Whether a numbered (or portless) ports entry admits ``port``/``protocol``."""
    if entry.protocol != protocol:
        return False
    if entry.port is None:
        return True
    if not isinstance(entry.port, int):
        return False
    last = entry.port if entry.end_port is None else entry.end_port
    return entry.port <= port <= last


class _Direction:
    """The rules of every policy isolating one direction, in the reference's order."""

    def __init__(self, classes: NodeClasses, direction: Direction) -> None:
        self.classes = classes
        self.direction = direction
        self.rules: list[tuple[NetworkPolicy, int, Rule]] = [
            (policy, index, rule)
            for policy in classes.cluster.policies
            if direction in policy.policy_types
            for index, rule in enumerate(policy.rules(direction))
        ]
        size = classes.size
        subjects = np.array(
            [classes.selected(policy) for policy, _, _ in self.rules], dtype=bool
        ).reshape(len(self.rules), size)
        subject_of, row_of = np.nonzero(subjects.T)
        width = int(np.bincount(subject_of, minlength=size).max()) if len(row_of) else 0
        self.selecting = np.full((size, width), -1, dtype=np.int64)
        """[class, j]: the rows of the rules whose policy selects the class, in order (-1 pads)."""
        starts = np.searchsorted(subject_of, np.arange(size))
        self.selecting[subject_of, np.arange(len(row_of)) - starts[subject_of]] = row_of
        self.first_peer = np.full((len(self.rules), size), ALL, dtype=np.int16)
        for k, (policy, _, rule) in enumerate(self.rules):
            if not rule.peers:
                continue
            matched = np.array([classes.peers(policy, Rule(peers=(p,))) for p in rule.peers])
            self.first_peer[k] = np.where(matched.any(axis=0), matched.argmax(axis=0), NONE)
        self._ports: dict[tuple[int, Protocol], PortMatch] = {}
        self._keep: dict[Keep, np.ndarray] = {}

    def first_port(self, port: int, protocol: Protocol) -> PortMatch:
        """Per rule and destination class: the first ``ports`` entry admitting ``port``."""
        key = (port, protocol)
        if key not in self._ports:
            size = self.classes.size
            plain = np.full(len(self.rules), ALL, dtype=np.int16)
            named: dict[tuple[PolicyPort, ...], int] = {}  # rules with alike ports share a row
            row = np.full(len(self.rules), -1, dtype=np.int64)
            for k, (_, _, rule) in enumerate(self.rules):
                if not rule.ports:
                    continue
                entries = [e for e in rule.ports if e.protocol == protocol]
                if any(isinstance(e.port, str) for e in entries):
                    row[k] = named.setdefault(rule.ports, len(named))
                    continue
                plain[k] = next(
                    (at for at, e in enumerate(rule.ports) if _admits(e, port, protocol)), NONE
                )
            rows = [self._named_first(ports, port, protocol) for ports in named]
            table = np.stack(rows) if rows else np.zeros((0, size), dtype=np.int16)
            self._ports[key] = PortMatch(plain, row, table)
        return self._ports[key]

    def _named_first(
        self, ports: tuple[PolicyPort, ...], port: int, protocol: Protocol
    ) -> np.ndarray:
        """Per destination class: the first of a rule's ``ports`` entries admitting ``port``
        (a rule naming a port by name)."""
        found = np.full(self.classes.size, NONE, dtype=np.int16)
        for index in reversed(range(len(ports))):
            entry = ports[index]
            if entry.protocol != protocol:
                continue
            if isinstance(entry.port, str):
                table = self.classes.named_ports(entry.port, protocol)
                found[(table == port).any(axis=1)] = index
            elif _admits(entry, port, protocol):
                found[:] = index
        return found

    def keep_table(self, keep: Keep) -> np.ndarray:
        """[rule, first peer + 2]: ``keep`` for each rule and matching peer (column 0: the
        rule has no peers; column 1: no peer matches); made once per ``keep``."""
        if keep not in self._keep:
            self._keep[keep] = self._keep_table(keep)
        return self._keep[keep]

    def _keep_table(self, keep: Keep) -> np.ndarray:
        width = 2 + max((len(r.peers) for _, _, r in self.rules), default=0)
        table = np.zeros((len(self.rules), width), dtype=bool)
        for k, (policy, _, rule) in enumerate(self.rules):
            table[k, 0] = not rule.peers and keep(policy, rule, None)
            for index in range(len(rule.peers)):
                table[k, index + 2] = keep(policy, rule, index)
        return table


def chunks(count: int) -> list[slice]:
    """``CHUNK`` pairs at a time."""
    return [slice(start, start + CHUNK) for start in range(0, count, CHUNK)] or [slice(0, 0)]


def _columns(found: Admitted) -> tuple[np.ndarray, ...]:
    return found.any, found.rule, found.peer, found.port


@dataclass(frozen=True)
class PairRules:
    """For some pairs of classes, the rules of the policies isolating the deciding end
    (``rows``, one per column, -1 padded as 0 and unmatched), the first peer of each
    matching the other end, and which match (``matched``) and count (``kept``)."""

    rules: _Direction
    rows: np.ndarray
    peer: np.ndarray
    matched: np.ndarray
    kept: np.ndarray

    def admitted(
        self, targets: np.ndarray, port: int, protocol: Protocol, at: np.ndarray | None = None
    ) -> Admitted:
        """``Admission.admitted`` on ``port`` for these pairs (those at ``at``; ``targets``:
        their destination classes)."""
        rows, peer, matched, kept = self.rows, self.peer, self.matched, self.kept
        if at is not None:
            rows, peer, matched, kept = rows[at], peer[at], matched[at], kept[at]
        count = len(rows)
        if not rows.shape[1]:
            return Admitted(
                np.zeros(count, dtype=bool),
                np.full(count, -1, dtype=np.int64),
                np.full(count, NONE, dtype=np.int16),
                np.full(count, NONE, dtype=np.int16),
            )
        port_at = self.rules.first_port(port, protocol).at(rows, targets)
        admits = matched & (port_at != NONE)
        kept = kept & admits
        first = kept.argmax(axis=1)
        lines = np.arange(count)
        return Admitted(
            admits.any(axis=1),
            np.where(kept.any(axis=1), rows[lines, first], -1),
            peer[lines, first],
            port_at[lines, first],
        )


class Admission:
    """The NetworkPolicy rules of ``engine`` as tables over its classes of nodes."""

    def __init__(self, engine: Engine) -> None:
        cluster = engine.cluster
        self.engine = engine
        self.exact = not (
            cluster.tier_policies or cluster.cilium_policies or cluster.calico.active
        ) and (len(engine.addresses) == 1 or not any(map(unaddressed, engine.endpoints)))
        where = engine.addresses[0]
        endpoints = tuple(placed(e, where) if unaddressed(e) else e for e in engine.endpoints)
        classes = NodeClasses(
            replace(cluster, endpoints=endpoints), engine.externals, engine.options.ipblock_pods
        )
        self.classes = classes
        self.exact = self.exact and np.array_equal(classes.class_of, engine.node_classes())
        """Whether these answers are the engine's (see the module's docstring)."""
        self._directions = {d: _Direction(classes, d) for d in DIRECTIONS} if self.exact else {}
        self._refs: dict[tuple[Direction, int, int, int], RuleRef] = {}

    def admitted(
        self,
        direction: Direction,
        subjects: np.ndarray,
        others: np.ndarray,
        targets: np.ndarray,
        port: int,
        protocol: Protocol,
        keep: Keep,
    ) -> Admitted:
        """Pairs of the classes ``subjects`` (whose ``direction`` side decides) and ``others``
        (``targets``: the destination classes, where port names resolve), on ``port``: the
        rules of the policies isolating the subject that admit the other end."""
        parts = [
            self.pair_rules(direction, subjects[at], others[at], keep).admitted(
                targets[at], port, protocol
            )
            for at in chunks(len(subjects))
        ]
        columns = zip(*(_columns(p) for p in parts), strict=True)
        return Admitted(*(np.concatenate(c) for c in columns))

    def pair_rules(
        self, direction: Direction, subjects: np.ndarray, others: np.ndarray, keep: Keep
    ) -> PairRules:
        """The rules deciding ``direction`` for each pair of ``subjects`` and ``others``
        (at most ``CHUNK`` pairs), asked on any port."""
        rules = self._directions[direction]
        chosen = rules.selecting[subjects]
        rows = np.maximum(chosen, 0)
        peer = rules.first_peer[rows, others[:, None]]
        matched = (chosen >= 0) & (peer != NONE)
        kept = matched & rules.keep_table(keep)[rows, peer + 2]
        return PairRules(rules, rows, peer, matched, kept)

    def selector_matches(self, policy: NetworkPolicy, peer: Peer) -> np.ndarray:
        """Per endpoint of the engine: whether ``peer`` of ``policy``, a pod or namespace
        selector (not an ipBlock), matches it (any time: exact or not)."""
        classes = self.classes
        matched: np.ndarray = classes.peers(policy, Rule(peers=(peer,)))
        return matched[classes.class_of[: len(self.engine.endpoints)]]

    def ref(self, direction: Direction, row: int, peer: int, port: int) -> RuleRef:
        """The ``RuleRef`` of rule ``row`` of ``direction`` admitting through ``peer`` and
        ``port`` (as ``Admitted`` gives them); one object per distinct answer."""
        key = (direction, row, peer, port)
        if key not in self._refs:
            policy, index, rule = self._directions[direction].rules[row]
            self._refs[key] = RuleRef(
                policy.id,
                direction,
                index,
                None if peer == ALL else int(peer),
                None if port == ALL else int(port),
                rule.source,
            )
        return self._refs[key]
