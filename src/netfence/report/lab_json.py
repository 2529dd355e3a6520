"""Lab measurements in the shape of ``netfence analyze --format json`` (DESIGN.md contract).

Cells carry ``allowed`` (``null`` when a cell could not be tested), ``measured`` and, when
there is something to say, a ``note``; cells with an external range go under ``external``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from netfence.lab.runs import ProbeRun
from netfence.probes import Measurement
from netfence.report.matrix_json import endpoint_json


def cell_json(cell: Measurement) -> dict[str, Any]:
    data: dict[str, Any] = {
        "from": cell.src,
        "to": cell.dst,
        "allowed": cell.allowed,
        "measured": cell.allowed is not None,
    }
    if cell.resolved_port is not None and cell.resolved_port != cell.port:
        data["resolved_port"] = cell.resolved_port
    if cell.note:
        data["note"] = cell.note
    return data


def _query_json(run: ProbeRun, endpoint_ids: set[str]) -> dict[str, Any]:
    order = {e.id: i for i, e in enumerate(run.cluster.endpoints)}
    for ident in [n.ident for n in run.topology.nodes] + [i for i, _ in run.topology.untestable]:
        order.setdefault(ident, len(order))
    inside: list[Measurement] = []
    outside: list[Measurement] = []
    for cell in sorted(run.measurements, key=lambda c: (order[c.src], order[c.dst])):
        both = cell.src in endpoint_ids and cell.dst in endpoint_ids
        (inside if both else outside).append(cell)
    return {
        "port": run.port,
        "protocol": run.protocol,
        "matrix": [cell_json(c) for c in inside],
        "external": [cell_json(c) for c in outside],
    }


def runs_json(runs: Sequence[ProbeRun], ipblock_pods: str) -> dict[str, Any]:
    """The measured matrices of one lab (one query per run)."""
    first = runs[0]
    endpoint_ids = {e.id for e in first.cluster.endpoints}
    externals = [
        {"id": n.ident, "address": str(n.addresses[0])}
        for n in first.topology.nodes
        if n.is_external
    ]
    return {
        "source": "lab",
        "lab": first.topology.lab_id,
        "ipblock_pods": ipblock_pods,
        "endpoints": [endpoint_json(e) for e in first.cluster.endpoints],
        "externals": externals,
        "untestable": [{"id": i, "reason": r} for i, r in first.topology.untestable],
        "queries": [_query_json(run, endpoint_ids) for run in runs],
    }
