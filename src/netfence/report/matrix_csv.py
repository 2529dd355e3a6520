"""``analyze --format csv``: one row per cell, externals included."""

from __future__ import annotations

import csv
from typing import IO

from netfence.engine.analysis import Analysis

HEADER = ("port", "protocol", "from", "to", "allowed", "ipblock_reading_decided")


def write_matrix_csv(analysis: Analysis, stream: IO[str]) -> None:
    """Every (query, source, target) cell, streamed; external-to-external pairs are left out.
    A ``depends_on_address`` column follows when some cell depends on an address."""
    writer = csv.writer(stream, lineterminator="\n")
    address = analysis.address_mattered
    writer.writerow(HEADER + (("depends_on_address",) if address else ()))
    rows, columns = analysis.row_ids, analysis.column_ids
    inside_rows, inside_columns = len(analysis.sources), len(analysis.targets)
    for result in analysis.queries:
        for i, source in enumerate(rows):
            for j, target in enumerate(columns):
                if i >= inside_rows and j >= inside_columns:
                    continue
                row = [
                    result.port,
                    result.protocol,
                    source,
                    target,
                    str(bool(result.allowed[i, j])).lower(),
                    str(bool(result.reading_decided[i, j])).lower(),
                ]
                if address:
                    depends = result.depends is not None and result.depends[i, j]
                    row.append(str(bool(depends)).lower())
                writer.writerow(row)
