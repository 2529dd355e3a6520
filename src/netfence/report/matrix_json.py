"""``analyze --format json``: the stable contract of DESIGN.md, plus external cells."""

from __future__ import annotations

import json
from typing import IO, Any

import numpy as np

from netfence.engine.analysis import Analysis, QueryResult
from netfence.engine.external import ExternalRange
from netfence.engine.tier_matrix import TIER_NAMES
from netfence.model import Endpoint
from netfence.report.not_evaluated import not_evaluated_json


def endpoint_json(endpoint: Endpoint, description: str | None = None) -> dict[str, Any]:
    """One endpoint; ``description`` marks a possible witness (``observed`` false)."""
    record: dict[str, Any] = {
        "id": endpoint.id,
        "namespace": endpoint.namespace,
        "name": endpoint.name,
        "kind": endpoint.kind,
        "labels": dict(endpoint.labels),
        "ips": [str(ip) for ip in endpoint.ips],
        "ports": [{"port": p.port, "protocol": p.protocol, "name": p.name} for p in endpoint.ports],
        "observed": description is None,
    }
    if description is not None:
        record["description"] = description
    return record


def external_json(external: ExternalRange) -> dict[str, Any]:
    if external.domain:
        return {"id": external.id, "name": external.name, "cidrs": [], "domain": external.domain}
    return {
        "id": external.id,
        "name": external.name,
        "origin": external.origin,
        "cidrs": [str(c) for c in external.cidrs],
        "representative": str(external.representative),
    }


def _endpoints_json(analysis: Analysis) -> dict[str, Any]:
    """``endpoints``; grouped, the groups (``from``/``to`` of the cells, with their member
    count) and ``endpoints`` mapping each endpoint id to its group."""
    if not analysis.members:
        return {"endpoints": [endpoint_json(e, analysis.witness(e.id)) for e in analysis.endpoints]}
    groups = [
        {**endpoint_json(g), "members": len(analysis.members[g.id])} for g in analysis.endpoints
    ]
    members = sorted((m, g) for g, ids in analysis.members.items() for m in ids)
    return {
        "grouping": analysis.grouping,
        "groups": groups,
        "endpoints": [{"id": m, "group": g} for m, g in dict(members).items()],
    }


def _pod_cidr_json(analysis: Analysis) -> dict[str, Any]:
    """``pod_cidr`` (with where it comes from) when verdicts rest on it."""
    if analysis.pod_cidr is None:
        return {}
    pod = analysis.pod_cidr
    return {
        "pod_cidr": {"cidrs": [str(c) for c in pod.networks], "source": pod.source},
        "depends_on_address": analysis.address_mattered,
    }


def _indented(value: Any) -> str:
    """``value`` as JSON indented to sit at the top level of the document."""
    return json.dumps(value, indent=2).replace("\n", "\n  ")


def _tail(code: int) -> str:
    """A cell's fields after ``to``, for the flags ``code`` packs (see ``_codes``)."""
    tier = code >> 4
    return (
        (', "allowed": true' if code & 1 else ', "allowed": false')
        + (', "partial": true' if code & 2 else "")
        + (', "depends_on_address": true' if code & 4 else "")
        + (f', "tier": "{TIER_NAMES[tier]}"' if tier else "")
        + (', "ipblock_reading_decided": true}' if code & 8 else "}")
    )


def _codes(result: QueryResult) -> np.ndarray:
    """[row, column]: allowed, partial, depends, reading-decided as bits 0-3, the tier above."""
    codes = result.allowed.astype(np.int64) | (result.reading_decided.astype(np.int64) << 3)
    if result.partial is not None:
        codes |= result.partial.astype(np.int64) << 1
    if result.depends is not None:
        codes |= result.depends.astype(np.int64) << 2
    if result.tiers is not None:
        codes |= result.tiers.astype(np.int64) << 4
    return codes


class _CellEnds:
    """``"<to>", "allowed": ...}`` for every column and flags code, built when first used."""

    def __init__(self, column_ids: list[str]) -> None:
        self.column_ids = column_ids
        self.table = np.empty((0, len(column_ids)), dtype=object)

    def rows(self, codes: np.ndarray) -> np.ndarray:
        """The table, with a row for every code in ``codes``."""
        needed = int(codes.max(initial=0)) + 1
        if needed > len(self.table):
            added = [
                [column + _tail(code) for column in self.column_ids]
                for code in range(len(self.table), needed)
            ]
            grown = np.empty((needed, len(self.column_ids)), dtype=object)
            grown[: len(self.table)] = self.table
            grown[len(self.table) :] = added
            self.table = grown
        return self.table


def _write_cells(
    stream: IO[str],
    codes: np.ndarray,
    ends: _CellEnds,
    pairs: list[tuple[int, np.ndarray]],
    row_ids: list[str],
) -> None:
    """Cells as compact one-line objects; ``pairs`` lists each row with its columns."""
    separator = "\n      "
    first = True
    for i, columns in pairs:
        if not len(columns):
            continue
        prefix = f'{{"from": {row_ids[i]}, "to": '
        row = codes[i, columns]
        cells = ends.rows(row)[row, columns].tolist()
        stream.write(("" if first else ",") + separator + prefix)
        stream.write(("," + separator + prefix).join(cells))
        first = False
    if not first:
        stream.write("\n    ")


def write_matrix_json(analysis: Analysis, stream: IO[str]) -> None:
    """The whole analysis as JSON, streamed: ``matrix`` holds in-cluster pairs only,
    ``external`` the pairs with one end outside. Millions of cells never sit in memory
    as Python objects."""
    head: dict[str, Any] = {
        "ipblock_pods": analysis.reading,
        "ipblock_reading_decided": analysis.reading_mattered,
        **_pod_cidr_json(analysis),
        **_endpoints_json(analysis),
        "externals": [external_json(x) for x in analysis.externals],
        "not_evaluated": not_evaluated_json(analysis.not_evaluated),
    }
    if analysis.tiers:
        head["tier_notes"] = list(analysis.notes)
    elif analysis.notes:
        head["notes"] = list(analysis.notes)
    stream.write("{\n")
    for key, value in head.items():
        stream.write(f"  {json.dumps(key)}: {_indented(value)},\n")
    stream.write('  "queries": [')
    rows = [json.dumps(r) for r in analysis.row_ids]
    columns = [json.dumps(c) for c in analysis.column_ids]
    inside_rows, inside_columns = len(analysis.sources), len(analysis.targets)
    inside = np.arange(inside_columns)
    outside = np.arange(inside_columns, len(columns))
    in_cluster = [(i, inside) for i in range(inside_rows)]
    external = [(i, outside) for i in range(inside_rows)]
    external += [(i, inside) for i in range(inside_rows, len(rows))]
    ends = _CellEnds(columns)
    for n, result in enumerate(analysis.queries):
        codes = _codes(result)
        stream.write(("," if n else "") + "\n    {")
        stream.write(f'"port": {json.dumps(result.port)}, ')
        stream.write(f'"protocol": {json.dumps(result.protocol)},\n    "matrix": [')
        _write_cells(stream, codes, ends, in_cluster, rows)
        stream.write('],\n    "external": [')
        _write_cells(stream, codes, ends, external, rows)
        stream.write("]}")
    stream.write("\n  ]\n}\n")
