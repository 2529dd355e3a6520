"""All rules of one direction as matrices over node classes, so that one matrix product says
which rule admits which (source class, destination class) pair.

Classes that every rule of the direction treats alike on one side (same peer matches, or same
selecting policies and served ports) are grouped again, so the product runs over groups.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cached_property

import numpy as np

from netfence.engine.classes import NodeClasses
from netfence.engine.intervals import MAX_PORT
from netfence.engine.rows import distinct_byte_rows, distinct_rows
from netfence.model import Direction, Protocol


class DirectionRules:
    """Rules of every policy isolating ``direction``; K rules over C classes.

    ``peers[k]`` are the classes rule k's peers match, ``selected[k]`` those its policy
    selects; each ``ports`` entry of rule k becomes one row of the port table.
    """

    def __init__(self, classes: NodeClasses, direction: Direction) -> None:
        self.classes = classes
        policies = classes.cluster.policies
        selected = [classes.selected(p) for p in policies]
        self.isolated = np.zeros(classes.size, dtype=bool)
        peers: list[np.ndarray] = []
        subjects: list[np.ndarray] = []
        portless: list[bool] = []
        entry: list[int] = []
        protocols: list[str] = []
        lows: list[int] = []
        highs: list[int] = []
        names: list[str] = []
        for index, policy in enumerate(policies):
            if direction not in policy.policy_types:
                continue
            self.isolated |= selected[index]
            for rule in policy.rules(direction):
                k = len(peers)
                peers.append(classes.peers(policy, rule))
                subjects.append(selected[index])
                portless.append(not rule.ports)
                for port in rule.ports:
                    entry.append(k)
                    protocols.append(port.protocol)
                    if isinstance(port.port, str):
                        lows.append(0)
                        highs.append(-1)
                        names.append(port.port)
                        continue
                    low = 1 if port.port is None else port.port
                    lows.append(low)
                    highs.append(MAX_PORT if port.port is None else port.end_port or low)
                    names.append("")
        size = classes.size
        self.peers = np.array(peers, dtype=bool).reshape(len(peers), size)
        self.subjects = np.array(subjects, dtype=bool).reshape(len(peers), size)
        self.portless = np.array(portless, dtype=bool)
        self.entry = np.array(entry, dtype=np.int64)
        self.protocols = np.array(protocols, dtype=object)
        self.lows = np.array(lows, dtype=np.int64)
        self.highs = np.array(highs, dtype=np.int64)
        self.names = np.array(names, dtype=object)
        # Ingress rules admit their peers into the selected pods; egress rules the reverse.
        if direction == "ingress":
            left, right = self.peers, self.subjects
        else:
            left, right = self.subjects, self.peers
        self._sources = groups(left.T)
        self._targets = groups(right.T, classes.port_signature[:, None])
        self._left = left[:, self._sources[0]]
        self._right = right[:, self._targets[0]]
        self._ported = np.flatnonzero(~self.portless)

    def port_admits(
        self, protocol: Protocol, resolved: np.ndarray, columns: np.ndarray
    ) -> np.ndarray:
        """[rule, column]: whether the rule's ports admit the queried port at the destination
        classes ``columns`` (``resolved`` holds the port's number at each of them)."""
        admits = np.zeros((len(self.peers), len(columns)), dtype=bool)
        served = resolved >= 0
        admits[self.portless] = served
        same = self.protocols == protocol
        numeric = np.flatnonzero(same & (self.names == ""))
        if len(numeric) and len(resolved) and (resolved == resolved[0]).all():
            # One number at every column (a numbered query): a rule admits it everywhere or nowhere.
            at = resolved[0]
            hit = (self.lows[numeric] <= at) & (at <= self.highs[numeric])
            admits[self.entry[numeric[hit]]] |= served
        elif len(numeric):
            rows = (self.lows[numeric, None] <= resolved) & (resolved <= self.highs[numeric, None])
            rules, starts = np.unique(self.entry[numeric], return_index=True)
            admits[rules] |= np.logical_or.reduceat(rows, starts, axis=0)
        for name in set(self.names[same & (self.names != "")]):
            table = self.classes.named_ports(name, protocol)[columns]
            row = (table == resolved[:, None]).any(axis=1) & served
            pick = same & (self.names == name)
            admits[self.entry[pick]] |= row
        return admits

    @cached_property
    def _unported(self) -> np.ndarray:
        """[source group, destination group]: whether some rule without ports admits the
        pair (at whatever port the destination serves); the same for every query."""
        right = self._right[self.portless]
        product = np.zeros((self._left.shape[1], right.shape[1]), dtype=bool)
        _add_admitted(product, self._left[self.portless], right)
        product.setflags(write=False)
        return product

    def _group_product(self, admits: np.ndarray, served: np.ndarray) -> np.ndarray:
        """[source group, destination group]: whether some rule admits the pair, ``admits``
        [ported rule, destination group] holding where each rule's ports admit the port
        asked and ``served`` where it is served. A rule admitting it wherever it is served
        joins one product, masked by the destinations serving it; only the others (named
        ports) are matched per destination."""
        right = self._right
        whole = (admits == served).all(axis=1)
        partial = ~whole & admits.any(axis=1)
        product = self._unported.copy()
        rules = self._ported[whole]
        _add_admitted(product, self._left[rules], right[rules])
        product &= served[None, :]
        if partial.any():
            rules = self._ported[partial]
            _add_admitted(product, self._left[rules], right[rules] & admits[partial])
        return product

    def admitted(self, protocol: Protocol, resolved: np.ndarray) -> np.ndarray:
        """[source class, destination class]: whether some rule admits the pair."""
        source_group, (target_reps, target_group) = self._sources[1], self._targets
        at_targets = resolved[target_reps]
        admits = self.port_admits(protocol, at_targets, target_reps)[self._ported]
        product = self._group_product(admits, at_targets >= 0)
        by_class: np.ndarray = product.take(target_group, axis=1).take(source_group, axis=0)
        return by_class

    def span_bits(
        self, protocol: Protocol, starts: Sequence[int]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """[source group, destination group, byte]: bit k (eight to a byte, the first high)
        set where some rule admits the pair at port number ``starts[k]``, with the group of
        every source class and of every destination class. A rule admitting a span wherever
        it is served (a numbered port) joins one product per set of spans such rules admit;
        rules that admit per destination (named ports) are matched span by span, spans with
        the same such admissions sharing one product."""
        (target_reps, target_group), source_group = self._targets, self._sources[1]
        whole = np.zeros((len(self._ported), len(starts)), dtype=bool)
        partial: dict[bytes, tuple[np.ndarray, np.ndarray, list[int]]] = {}
        for k, port in enumerate(starts):
            at = np.full(len(target_reps), port, dtype=np.int64)
            admits = self.port_admits(protocol, at, target_reps)[self._ported]
            whole[:, k] = admits.all(axis=1)
            some = ~whole[:, k] & admits.any(axis=1)
            if some.any():
                key = np.packbits(some).tobytes() + np.packbits(admits[some]).tobytes()
                partial.setdefault(key, (some, admits[some], []))[2].append(k)
        bits = np.zeros((*self._unported.shape, (len(starts) + 7) // 8), dtype=np.uint8)
        _mark_spans(bits, self._unported, range(len(starts)))
        signatures, of_rule = distinct_byte_rows(np.packbits(whole, axis=1))
        for number, signature in enumerate(np.unpackbits(signatures, axis=1, count=len(starts))):
            if signature.any():
                rules = self._ported[of_rule == number]
                product = np.zeros(self._unported.shape, dtype=bool)
                _add_admitted(product, self._left[rules], self._right[rules])
                _mark_spans(bits, product, np.flatnonzero(signature).tolist())
        for some, admits, spans in partial.values():
            rules = self._ported[some]
            product = np.zeros(self._unported.shape, dtype=bool)
            _add_admitted(product, self._left[rules], self._right[rules] & admits)
            _mark_spans(bits, product, spans)
        return bits, source_group, target_group


def _mark_spans(bits: np.ndarray, product: np.ndarray, spans: Iterable[int]) -> None:
    """Set the bits of ``spans`` in ``bits`` [source group, destination group, byte] where
    ``product`` holds."""
    masks: dict[int, int] = {}
    for k in spans:
        masks[k // 8] = masks.get(k // 8, 0) | 1 << (7 - k % 8)
    for byte, mask in sorted(masks.items()):
        bits[:, :, byte] |= product.view(np.uint8) * np.uint8(mask)


def _add_admitted(product: np.ndarray, sources: np.ndarray, targets: np.ndarray) -> None:
    """Mark in ``product`` [source group, destination] the pairs some rule k has in both
    ``sources[k]`` and ``targets[k]``: one matrix product over the rules that can admit
    anything and the destinations some rule names (few, for rules of named ports)."""
    active = sources.any(axis=1) & targets.any(axis=1)
    sources, targets = sources[active], targets[active]
    columns = np.flatnonzero(targets.any(axis=0))
    if not len(columns):
        return
    left = sources.T.astype(np.float32)
    if len(columns) == product.shape[1]:
        product |= (left @ targets.astype(np.float32)) > 0
    else:
        product[:, columns] |= (left @ targets[:, columns].astype(np.float32)) > 0


def groups(*columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows that are equal across ``columns``: a representative row index per group, and the
    group of every row."""
    packed = [np.packbits(c, axis=1) if c.dtype == bool else c.view(np.uint8) for c in columns]
    key = np.concatenate(packed, axis=1)
    if key.shape[1] == 0:
        return np.zeros(1 if len(key) else 0, dtype=np.int64), np.zeros(len(key), dtype=np.int64)
    return distinct_rows(key)
