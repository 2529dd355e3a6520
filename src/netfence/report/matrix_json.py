"""``analyze --format json``: the stable contract of DESIGN.md, plus external cells."""

from __future__ import annotations

import json
from typing import Any

from netfence.engine.analysis import Analysis, QueryResult
from netfence.engine.external import ExternalRange
from netfence.model import Endpoint


def endpoint_json(endpoint: Endpoint) -> dict[str, Any]:
    return {
        "id": endpoint.id,
        "namespace": endpoint.namespace,
        "name": endpoint.name,
        "kind": endpoint.kind,
        "labels": dict(endpoint.labels),
        "ips": [str(ip) for ip in endpoint.ips],
        "ports": [{"port": p.port, "protocol": p.protocol, "name": p.name} for p in endpoint.ports],
    }


def external_json(external: ExternalRange) -> dict[str, Any]:
    return {
        "id": external.id,
        "name": external.name,
        "cidrs": [str(c) for c in external.cidrs],
        "representative": str(external.representative),
    }


def _cell(src: str, dst: str, result: QueryResult, i: int, j: int) -> dict[str, Any]:
    cell: dict[str, Any] = {"from": src, "to": dst, "allowed": bool(result.allowed[i, j])}
    if result.reading_decided[i, j]:
        cell["ipblock_reading_decided"] = True
    return cell


def query_json(analysis: Analysis, result: QueryResult) -> dict[str, Any]:
    """One query: ``matrix`` holds in-cluster pairs only, ``external`` the rest."""
    rows, columns = analysis.row_ids, analysis.column_ids
    inside_rows, inside_columns = len(analysis.sources), len(analysis.targets)
    matrix = [
        _cell(rows[i], columns[j], result, i, j)
        for i in range(inside_rows)
        for j in range(inside_columns)
    ]
    external = [
        _cell(rows[i], columns[j], result, i, j)
        for i in range(len(rows))
        for j in range(len(columns))
        if (i >= inside_rows) != (j >= inside_columns)
    ]
    return {
        "port": result.port,
        "protocol": result.protocol,
        "matrix": matrix,
        "external": external,
    }


def render_matrix_json(analysis: Analysis) -> str:
    """The whole analysis as indented JSON."""
    document = {
        "ipblock_pods": analysis.reading,
        "ipblock_reading_decided": analysis.reading_mattered,
        "endpoints": [endpoint_json(e) for e in analysis.endpoints],
        "externals": [external_json(x) for x in analysis.externals],
        "queries": [query_json(analysis, q) for q in analysis.queries],
    }
    return json.dumps(document, indent=2) + "\n"
