"""``analyze --format csv``: one row per cell, externals included."""

from __future__ import annotations

import csv
from typing import IO

from netfence.engine.analysis import Analysis

HEADER = ("port", "protocol", "from", "to", "allowed", "ipblock_reading_decided")


def write_matrix_csv(analysis: Analysis, stream: IO[str]) -> None:
    """Every (query, source, target) cell, streamed; external-to-external pairs are left out."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(HEADER)
    rows, columns = analysis.row_ids, analysis.column_ids
    inside_rows, inside_columns = len(analysis.sources), len(analysis.targets)
    for result in analysis.queries:
        for i, source in enumerate(rows):
            for j, target in enumerate(columns):
                if i >= inside_rows and j >= inside_columns:
                    continue
                writer.writerow(
                    (
                        result.port,
                        result.protocol,
                        source,
                        target,
                        str(bool(result.allowed[i, j])).lower(),
                        str(bool(result.reading_decided[i, j])).lower(),
                    )
                )
