"""``netfence probe`` as text: the plan (dry run), or the comparison and every disagreement."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.table import Table

from netfence.cluster.probe import ProbeCase, ProbeResult
from netfence.probes import Comparison
from netfence.report.comparison_text import comparison_table


def print_probe_plan(cases: Sequence[ProbeCase], console: Console) -> None:
    """Each planned probe with the engine's expectation and how it will be made."""
    table = Table(title="probe plan")
    for column in ("from", "to", "address", "port", "engine expects", "how"):
        table.add_column(column)
    for case in cases:
        how = f"could not test: {case.untestable}" if case.untestable else case.kind
        expected = "allowed" if case.expected else "blocked"
        table.add_row(
            case.src.id,
            case.dst.id,
            str(case.ip or "-"),
            f"{case.port}/{case.protocol}",
            expected,
            how,
        )
    console.print(table)
    console.print(f"{len(cases)} probes planned; nothing was run")


def print_probe_results(
    results: Sequence[ProbeResult], comparisons: Sequence[Comparison], console: Console
) -> None:
    """The comparison table (the lab's shape), then every untested or differing probe."""
    console.print(comparison_table(comparisons, "cluster"))
    for r in results:
        if r.outcome == "could not test":
            console.print(
                f"could not test {r.case.src.id} -> {r.case.dst.id} "
                f"{r.case.port}/{r.case.protocol}: {r.why}",
                markup=False,
            )
        elif not r.agrees:
            expected = "allows" if r.case.expected else "blocks"
            console.print(
                f"DIFF {r.case.port}/{r.case.protocol}: {r.case.src.id} -> {r.case.dst.id}: "
                f"engine {expected}, cluster {r.outcome} after {r.attempts} attempt(s)",
                markup=False,
            )
