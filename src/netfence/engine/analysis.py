"""An analysis: the matrices for a set of port queries, restricted to chosen endpoints.

Renderers in ``netfence.report`` only arrange this object; they never compute verdicts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from netfence.engine.addresses import PodCIDR
from netfence.engine.calico_notes import calico_notes
from netfence.engine.cilium_notes import cilium_notes
from netfence.engine.core import Engine
from netfence.engine.external import ExternalRange
from netfence.engine.filters import EndpointFilter
from netfence.engine.query_cells import QueryCells, expand, own_columns
from netfence.engine.resolution import resolution_notes
from netfence.engine.tier_notes import tier_notes
from netfence.model import Endpoint, Protocol, UnevaluatedObject
from netfence.vocabulary import IPBlockReading

Query = tuple[int | str, Protocol]


class QueryResult:
    """One port/protocol: ``allowed[i, j]`` for sources[i] -> targets[j] (nodes of the analysis).

    Given ``cells`` (the engine's answers on classes) and the row and column node indices,
    the pod-level arrays are built only when a renderer asks for them.
    """

    def __init__(
        self,
        port: int | str,
        protocol: Protocol,
        allowed: np.ndarray | None = None,
        reading_decided: np.ndarray | None = None,
        tiers: np.ndarray | None = None,
        partial: np.ndarray | None = None,
        depends: np.ndarray | None = None,
        *,
        cells: QueryCells | None = None,
        nodes: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> None:
        self.port, self.protocol = port, protocol
        self.partial = partial
        """Grouped analyses: cells where some pairs of members are allowed and some are not."""
        self.cells = cells
        self.nodes = nodes
        """Row and column node indices of ``cells`` (endpoints, then externals)."""
        self._arrays = (
            None
            if allowed is None or reading_decided is None
            else (allowed, reading_decided, tiers, depends)
        )

    def _expanded(self) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None]:
        if self._arrays is None:
            assert self.cells is not None and self.nodes is not None
            cells, (rows, columns) = self.cells, self.nodes
            own = own_columns(cells, rows, columns)
            mine = np.flatnonzero(own >= 0)
            allowed = expand(cells, cells.allowed, rows, columns, own)
            allowed[mine, own[mine]] = True
            decided = expand(cells, cells.decided, rows, columns, own)
            tiers = None if cells.tiers is None else expand(cells, cells.tiers, rows, columns, own)
            depends = (
                None if cells.depends is None else expand(cells, cells.depends, rows, columns, own)
            )
            self._arrays = (allowed, decided, tiers, depends)
        return self._arrays

    @property
    def allowed(self) -> np.ndarray:
        return self._expanded()[0]

    @property
    def reading_decided(self) -> np.ndarray:
        return self._expanded()[1]

    @property
    def tiers(self) -> np.ndarray | None:
        """Code of the tier that decided each cell (1 Admin, 2 Baseline, 0 none); None: no tiers."""
        return self._expanded()[2]

    @property
    def depends(self) -> np.ndarray | None:
        """Cells blocked, but allowed at some addresses of an end without an IP."""
        return self._expanded()[3]

    def any_decided(self) -> bool:
        """Whether the other ipBlock reading decides some cell differently."""
        if self._arrays is None and self.cells is not None and self.nodes is not None:
            return bool(self._on_classes(self.cells.decided).any())
        return bool(self.reading_decided.any())

    def any_depends(self) -> bool:
        """Whether some cell depends on the address of an end without an IP."""
        if self._arrays is None and self.cells is not None and self.nodes is not None:
            depends = self.cells.depends
            return depends is not None and bool(self._on_classes(depends).any())
        return self.depends is not None and bool(self.depends.any())

    def _on_classes(self, table: np.ndarray) -> np.ndarray:
        """``table`` between the classes of the row and column nodes, where two distinct
        nodes stand for the cell (a class met only as one node to itself is left out)."""
        assert self.cells is not None and self.nodes is not None
        by_class = self.cells.node_class
        rows, columns = self.nodes
        row_classes, row_counts = np.unique(by_class[rows], return_counts=True)
        column_classes, column_counts = np.unique(by_class[columns], return_counts=True)
        grid: np.ndarray = table[np.ix_(row_classes, column_classes)].copy()
        same = row_classes[:, None] == column_classes[None, :]
        lone = (row_counts[:, None] == 1) & (column_counts[None, :] == 1) & same
        for i, j in np.argwhere(lone):
            row_node = rows[by_class[rows] == row_classes[i]][0]
            if row_node == columns[by_class[columns] == column_classes[j]][0]:
                grid[i, j] = 0
        return grid

    @property
    def label(self) -> str:
        return f"{self.port}/{self.protocol}"


@dataclass(frozen=True, eq=False)
class Analysis:
    """Who can reach whom: endpoints that pass the filters, externals, one result per query.

    ``sources`` and ``targets`` are the in-cluster endpoints on each axis; an axis with a
    filter has no external ranges (a filter chooses pods), so matrices have
    ``sources + source_externals`` rows and ``targets + target_externals`` columns.
    """

    sources: tuple[Endpoint, ...]
    targets: tuple[Endpoint, ...]
    queries: tuple[QueryResult, ...]
    reading: IPBlockReading
    notes: tuple[str, ...] = ()
    tiers: bool = False
    not_evaluated: tuple[UnevaluatedObject, ...] = ()
    source_externals: tuple[ExternalRange, ...] = ()
    target_externals: tuple[ExternalRange, ...] = ()
    grouping: str = "pod"
    members: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Grouped analyses (``grouping`` workload or class): each group's endpoint ids."""
    witnesses: tuple[tuple[str, str], ...] = ()
    """Endpoints that are possible witnesses (``engine.possible``), with their descriptions."""
    pod_cidr: PodCIDR | None = None
    """Where endpoints without an IP have their address, when a CIDR reaches into it."""

    def witness(self, ident: str) -> str | None:
        """The description of witness ``ident`` (None for an observed endpoint)."""
        return dict(self.witnesses).get(ident)

    @property
    def externals(self) -> tuple[ExternalRange, ...]:
        """The ranges outside on either axis (each axis has all of them or none)."""
        return self.source_externals or self.target_externals

    def external_label(self, external: ExternalRange) -> str:
        """``E1``, ``E2``, ...: the range's number in ``externals``, the same on both axes."""
        return f"E{self.externals.index(external) + 1}"

    @property
    def endpoints(self) -> tuple[Endpoint, ...]:
        """Endpoints on either axis: sources, then targets that are not sources."""
        return tuple({e.id: e for e in (*self.sources, *self.targets)}.values())

    @property
    def row_ids(self) -> list[str]:
        """Ids of the matrix rows: sources, then external ranges."""
        return [e.id for e in self.sources] + [x.id for x in self.source_externals]

    @property
    def column_ids(self) -> list[str]:
        """Ids of the matrix columns: targets, then external ranges."""
        return [e.id for e in self.targets] + [x.id for x in self.target_externals]

    @property
    def reading_mattered(self) -> bool:
        return any(q.any_decided() for q in self.queries)

    @property
    def address_mattered(self) -> bool:
        """Whether some cell depends on the address of an end without an IP."""
        return any(q.any_depends() for q in self.queries)


def served_queries(
    endpoints: Iterable[Endpoint], protocol: Protocol | None = None
) -> tuple[Query, ...]:
    """Every port/protocol one of ``endpoints`` serves, ordered by protocol then number."""
    served = {
        (p.port, p.protocol)
        for e in endpoints
        for p in e.ports
        if protocol is None or p.protocol == protocol
    }
    order = {"TCP": 0, "UDP": 1, "SCTP": 2}
    return tuple(sorted(served, key=lambda q: (order[q[1]], q[0])))


def analysis_notes(engine: Engine) -> tuple[str, ...]:
    """What the tiers and dialects of the input say about every verdict."""
    return (
        tier_notes(engine.cluster)
        + cilium_notes(engine.cluster, engine.externals)
        + calico_notes(engine.cluster)
        + engine.placement_notes
        + resolution_notes(engine.options.resolved, engine.resolved_addresses)
    )


def analyze(
    engine: Engine,
    queries: Sequence[Query],
    sources: EndpointFilter | None = None,
    targets: EndpointFilter | None = None,
) -> Analysis:
    """The matrices of ``queries``, restricted to endpoints passing the filters (a filtered
    axis holds no external range)."""
    count = len(engine.endpoints)
    rows = [i for i, e in enumerate(engine.endpoints) if sources is None or sources(e)]
    columns = [i for i, e in enumerate(engine.endpoints) if targets is None or targets(e)]
    externals = list(range(count, count + len(engine.externals)))
    row_externals = externals if sources is None else []
    column_externals = externals if targets is None else []
    nodes = (
        np.array(rows + row_externals, dtype=np.int64),
        np.array(columns + column_externals, dtype=np.int64),
    )
    results = tuple(
        QueryResult(port, protocol, cells=engine.query_cells(port, protocol), nodes=nodes)
        for port, protocol in queries
    )
    return Analysis(
        sources=tuple(engine.endpoints[i] for i in rows),
        targets=tuple(engine.endpoints[i] for i in columns),
        queries=results,
        reading=engine.options.ipblock_pods,
        notes=analysis_notes(engine),
        tiers=bool(engine.cluster.tier_policies) or engine.cluster.calico.active,
        not_evaluated=engine.cluster.not_evaluated,
        source_externals=engine.externals if sources is None else (),
        target_externals=engine.externals if targets is None else (),
        witnesses=engine.cluster.witnesses,
        pod_cidr=engine.pod_cidr if engine.placement_notes else None,
    )
