"""``analyze --group workload|class``: the matrices over groups of endpoints, from the class
matrices, without a pod x pod matrix.

A group is a workload (a Pod's controller, a workload template, or a bare Pod) or a
behavioural class (``class-N``, across namespaces: endpoints that every matrix of the analysis
treats alike, ``engine.behaviours``); each external range is a group of its own. A cell from
group G to group H is allowed when every pair of distinct members is (a member to itself is
never filtered and not counted), and ``partial`` when some pairs are and some are not; a cell
with no such pair ``depends`` on the address when some pair is allowed at some addresses of
an end without an IP. The cells are computed on joint classes (the classes of both ipBlock
readings at once), so a cell is exact and says whether the other reading would decide it
differently.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from netfence.engine.analysis import Analysis, Query, QueryResult, analysis_notes
from netfence.engine.behaviours import behaviours
from netfence.engine.core import Engine
from netfence.engine.filters import EndpointFilter
from netfence.engine.rows import on_joint
from netfence.model import Endpoint

Grouping = Literal["pod", "workload", "class"]


@dataclass(frozen=True)
class Axis:
    """One axis of the grouped matrix: each group's member node indices, and the group's id."""

    ids: list[str]
    members: list[list[int]]


def _common_labels(endpoints: Sequence[Endpoint]) -> tuple[tuple[str, str], ...]:
    shared = set(endpoints[0].labels)
    for endpoint in endpoints[1:]:
        shared &= set(endpoint.labels)
    return tuple(sorted(shared))


@dataclass(frozen=True)
class GroupEndpoint(Endpoint):
    """A group as an endpoint row, known by the group's id (a class's holds no namespace)."""

    group: str = ""

    @property
    def id(self) -> str:
        return self.group


def _group_endpoint(ident: str, endpoints: Sequence[Endpoint]) -> Endpoint:
    """A group as an endpoint row: the members' namespace ("" when they have several), its
    name after the namespace, the first member's kind, the labels every member carries,
    ports when all members serve the same."""
    first = endpoints[0]
    same_ports = all(e.ports == first.ports for e in endpoints)
    same_namespace = all(e.namespace == first.namespace for e in endpoints)
    return GroupEndpoint(
        namespace=first.namespace if same_namespace else "",
        name=ident.split("/", 1)[-1],
        kind=first.kind,
        labels=_common_labels(endpoints),
        ports=first.ports if same_ports else (),
        group=ident,
    )


class GroupedMatrices:
    """Joint classes of the engine's nodes and the class matrices of both readings on them."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        this_of = engine.node_classes()
        other_of = engine.node_classes(other_reading=True) if engine.reading_matters else this_of
        pairs = np.stack([this_of, other_of], axis=1)
        unique, inverse = np.unique(pairs, axis=0, return_inverse=True)
        self.joint: np.ndarray = inverse.reshape(-1)
        self.size = len(unique)
        self.picks = unique[:, 0], unique[:, 1]
        """Each joint class's class under this reading and under the other."""

    def on_joint(self, matrix: np.ndarray, reading: int = 0) -> np.ndarray:
        """A [class, class] matrix of one reading (0 this, 1 the other) on joint classes."""
        return on_joint(matrix, self.picks[reading])

    def prepare(self, query: Query) -> tuple[np.ndarray, np.ndarray | None]:
        """[joint class, joint class] allowed under this reading and (when the readings can
        differ) the other."""
        this = self.on_joint(self.engine.class_allowed(*query))
        if not self.engine.reading_matters:
            return this, None
        return this, self.on_joint(self.engine.class_allowed(*query, other_reading=True), 1)

    def possible(self, query: Query) -> np.ndarray:
        """[joint class, joint class] allowed at some addresses of the ends without an IP."""
        return self.on_joint(self.engine.class_possible(*query))

    def membership(self, axis: Axis) -> np.ndarray:
        """[group, joint class]: how many members of the group are in the class."""
        counts = np.zeros((len(axis.members), self.size), dtype=np.int64)
        for row, members in enumerate(axis.members):
            np.add.at(counts[row], self.joint[members], 1)
        return counts

    def cells(
        self, allowed: np.ndarray, rows: Axis, columns: Axis
    ) -> tuple[np.ndarray, np.ndarray]:
        """(every distinct pair allowed, some but not every pair allowed) per group cell."""
        row_counts, column_counts = self.membership(rows), self.membership(columns)
        present_rows = (row_counts > 0).astype(np.float32)
        present_columns = (column_counts > 0).astype(np.float32)
        denied = present_rows @ (~allowed).astype(np.float32) @ present_columns.T
        granted = present_rows @ allowed.astype(np.float32) @ present_columns.T
        every, some = denied == 0, granted > 0
        for i, j in _same_group(rows, columns):
            every[i, j], some[i, j] = _diagonal(allowed, row_counts[i], rows.members[i])
        return every, some & ~every

    def behavioural_classes(self, queries: Sequence[Query]) -> np.ndarray:
        """The behavioural class of every node: joint classes whose rows and columns agree in
        every matrix the analysis shows (each reading's and the possible one, per query)."""
        alone = np.ones(self.size, dtype=bool)
        alone[self.joint[: len(self.engine.endpoints)]] = False

        def matrices() -> Iterator[np.ndarray]:
            for query in queries:
                this, other = self.prepare(query)
                yield this
                if other is not None:
                    yield other
                yield self.possible(query)

        of_joint = behaviours(matrices(), alone)[self.joint]
        _, first, inverse = np.unique(of_joint, return_index=True, return_inverse=True)
        ranks: np.ndarray = np.argsort(np.argsort(first))[inverse.reshape(-1)]
        return ranks

    def uniform_cells(
        self, allowed: np.ndarray, rows: Axis, columns: Axis
    ) -> tuple[np.ndarray, np.ndarray]:
        """``cells`` of groups within behavioural classes: every pair of a cell gets its first
        members' answer, and no cell is partial."""
        firsts = (
            [self.joint[m[0]] for m in rows.members],
            [self.joint[m[0]] for m in columns.members],
        )
        every: np.ndarray = allowed.take(firsts[0], axis=0).take(firsts[1], axis=1)
        for i, j in _same_group(rows, columns):
            if len(rows.members[i]) == 1 and rows.members[i] == columns.members[j]:
                every[i, j] = True  # one member to itself: nothing to filter
        return every, np.zeros_like(every)


def _same_group(rows: Axis, columns: Axis) -> Iterator[tuple[int, int]]:
    """(row, column) of each group that is on both axes."""
    column_of = {ident: j for j, ident in enumerate(columns.ids)}
    for i, ident in enumerate(rows.ids):
        if ident in column_of:
            yield i, column_of[ident]


def _diagonal(allowed: np.ndarray, counts: np.ndarray, members: list[int]) -> tuple[bool, bool]:
    """A group to itself: pairs of distinct members only (one member: nothing to filter)."""
    classes = np.flatnonzero(counts)
    block = allowed[np.ix_(classes, classes)]
    pairs = np.outer(counts[classes], counts[classes]) - np.diag(counts[classes])
    real = pairs > 0
    if len(members) < 2 or not real.any():
        return True, False
    every = bool(block[real].all())
    return every, not every and bool(block[real].any())


def _natural(ident: str) -> tuple[str, int]:
    """``class-9`` before ``class-10``; workloads by name."""
    stem, _, number = ident.rpartition("-")
    return (stem, int(number)) if stem == "class" and number.isdigit() else (ident, 0)


def _axis(
    engine: Engine, chosen: EndpointFilter | None, grouping: Grouping, group_of: np.ndarray
) -> tuple[Axis, list[Endpoint]]:
    """Groups of the endpoints passing ``chosen`` (and, unfiltered, one per external range)."""
    by_id: dict[str, list[int]] = {}
    for index, endpoint in enumerate(engine.endpoints):
        if chosen is None or chosen(endpoint):
            if grouping == "workload":
                ident = endpoint.workload_id
            else:
                ident = f"class-{int(group_of[index]) + 1}"
            by_id.setdefault(ident, []).append(index)
    ids = sorted(by_id, key=_natural)
    members = [by_id[i] for i in ids]
    endpoints = [
        _group_endpoint(i, [engine.endpoints[k] for k in m])
        for i, m in zip(ids, members, strict=True)
    ]
    if chosen is None:
        start = len(engine.endpoints)
        ids += [x.id for x in engine.externals]
        members += [[start + k] for k in range(len(engine.externals))]
    return Axis(ids, members), endpoints


def grouped_analysis(
    engine: Engine,
    queries: Sequence[Query],
    grouping: Grouping,
    sources: EndpointFilter | None = None,
    targets: EndpointFilter | None = None,
) -> Analysis:
    """``analyze``'s matrices with workloads or classes as rows and columns; ``members`` maps
    each group to the endpoints in it."""
    tables = GroupedMatrices(engine)
    results: list[QueryResult] = []
    group_of = tables.behavioural_classes(queries) if grouping == "class" else tables.joint
    cells = tables.cells if grouping == "workload" else tables.uniform_cells
    rows, row_endpoints = _axis(engine, sources, grouping, group_of)
    columns, column_endpoints = _axis(engine, targets, grouping, group_of)
    for query in queries:
        this, other = tables.prepare(query)
        every, partial = cells(this, rows, columns)
        maybe_every, maybe_some = cells(tables.possible(query), rows, columns)
        depends = (maybe_every | maybe_some) & ~every & ~partial
        decided = np.zeros_like(every)
        if other is not None:
            decided = every != cells(other, rows, columns)[0]
        results.append(
            QueryResult(query[0], query[1], every, decided, partial=partial, depends=depends)
        )
    external_ids = {x.id for x in engine.externals}
    members = {
        ident: tuple(engine.endpoints[k].id for k in group if k < len(engine.endpoints))
        for axis in (rows, columns)
        for ident, group in zip(axis.ids, axis.members, strict=True)
        if ident not in external_ids
    }
    return Analysis(
        sources=tuple(row_endpoints),
        targets=tuple(column_endpoints),
        queries=tuple(results),
        reading=engine.options.ipblock_pods,
        notes=analysis_notes(engine),
        tiers=False,
        not_evaluated=engine.cluster.not_evaluated,
        source_externals=engine.externals if sources is None else (),
        target_externals=engine.externals if targets is None else (),
        grouping=grouping,
        members=members,
        pod_cidr=engine.pod_cidr if engine.placement_notes else None,
    )
