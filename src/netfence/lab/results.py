"""Lab measurements in the shape of ``netfence analyze --format json`` (DESIGN.md contract)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from netfence.lab.probe import Measurement
from netfence.lab.runs import ProbeRun
from netfence.model import Endpoint


def endpoint_json(endpoint: Endpoint) -> dict[str, Any]:
    return {
        "id": endpoint.id,
        "namespace": endpoint.namespace,
        "name": endpoint.name,
        "kind": endpoint.kind,
        "ips": [str(ip) for ip in endpoint.ips],
    }


def cell_json(cell: Measurement) -> dict[str, Any]:
    data: dict[str, Any] = {
        "from": cell.src,
        "to": cell.dst,
        "allowed": cell.allowed,
        "resolved_port": cell.resolved_port,
        "measured": cell.allowed is not None,
    }
    if cell.note:
        data["note"] = cell.note
    return data


def runs_json(runs: Sequence[ProbeRun]) -> dict[str, Any]:
    """``{"endpoints": [...], "externals": [...], "queries": [{"port", "protocol", "matrix"}]}``.

    ``matrix`` holds every ordered pair of in-cluster endpoints; cells with an external range
    are listed apart under ``externals`` of each query.
    """
    first = runs[0]
    endpoint_ids = {e.id for e in first.cluster.endpoints}
    queries = []
    for run in runs:
        inside: list[Measurement] = []
        outside: list[Measurement] = []
        for m in run.measurements:
            (inside if m.src in endpoint_ids and m.dst in endpoint_ids else outside).append(m)
        queries.append(
            {
                "port": run.port,
                "protocol": run.protocol,
                "source": "lab",
                "matrix": [cell_json(m) for m in inside],
                "externals": [cell_json(m) for m in outside],
            }
        )
    externals = [
        {"id": n.ident, "ips": [str(ip) for ip in n.addresses]}
        for n in first.topology.nodes
        if n.is_external
    ]
    return {
        "lab": first.topology.lab_id,
        "endpoints": [endpoint_json(e) for e in first.cluster.endpoints],
        "externals": externals,
        "untestable": list(first.topology.untestable),
        "queries": queries,
    }
