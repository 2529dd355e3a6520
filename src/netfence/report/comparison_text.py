"""The expected-versus-measured table shared by ``lab verify`` and ``probe``."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from rich.console import Console
from rich.table import Table

from netfence.probes import Comparison

MAX_DIFFERENCES_SHOWN = 40


def comparison_table(comparisons: Sequence[Comparison], measured_by: str) -> Table:
    """One row per port/protocol: cells, agreeing, differing and untested counts."""
    table = Table(title=f"engine (predicted) vs {measured_by} (measured)")
    for column in ("port", "cells", "agree", "differ", "could not test"):
        table.add_column(column, justify="right")
    for c in comparisons:
        table.add_row(
            f"{c.port}/{c.protocol}",
            str(c.cells),
            str(c.agreed),
            str(len(c.differences)),
            str(len(c.untested)),
        )
    return table


def untested_reasons(comparisons: Sequence[Comparison]) -> list[str]:
    """Why cells could not be tested: each distinct reason, with how many cells it covers."""
    counts = Counter(note for c in comparisons for _, _, note in c.untested)
    return [
        f"{note} ({count} {'cell' if count == 1 else 'cells'})"
        for note, count in sorted(counts.items())
    ]


def print_comparisons(
    comparisons: Sequence[Comparison], measured_by: str, console: Console
) -> None:
    """The table, why cells could not be tested, then the first differences."""
    console.print(comparison_table(comparisons, measured_by))
    for reason in untested_reasons(comparisons):
        console.print(reason, markup=False)
    differences = [(c, d) for c in comparisons for d in c.differences]
    for c, d in differences[:MAX_DIFFERENCES_SHOWN]:
        console.print(
            f"DIFF {c.port}/{c.protocol}: {d.src} -> {d.dst}: engine "
            f"{'allows' if d.predicted else 'blocks'}, {measured_by} "
            f"{'allowed' if d.measured else 'blocked'}",
            markup=False,
        )
    if len(differences) > MAX_DIFFERENCES_SHOWN:
        console.print(f"... and {len(differences) - MAX_DIFFERENCES_SHOWN} more differences")
