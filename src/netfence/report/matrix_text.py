"""``analyze`` in the terminal: a coloured grid per query, namespace totals beyond ~40
endpoints, and the external ranges."""

from __future__ import annotations

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from netfence.engine.analysis import Analysis, QueryResult
from netfence.engine.tier_matrix import ADMIN, BASELINE, CALICO
from netfence.report.matrix_layout import by_namespace, fits_grid, open_pairs

ALLOWED = Text("●", style="green")
BLOCKED = Text("·", style="red")
DEPENDS = Text("?", style="yellow")
DECIDED_STYLE = "bold yellow"
MAX_TOTAL_ROWS = 60
TIER_STYLE = "cyan"
TIER_MARKS = {ADMIN: "A", BASELINE: "B", CALICO: "C"}


def _mark(result: QueryResult, i: int, j: int) -> Text:
    depends = result.depends is not None and result.depends[i, j]
    mark = ALLOWED.copy() if result.allowed[i, j] else (DEPENDS if depends else BLOCKED).copy()
    if result.reading_decided[i, j]:
        mark.stylize(DECIDED_STYLE)
        mark.append("*", style=DECIDED_STYLE)
    if result.tiers is not None and result.tiers[i, j]:
        mark.append(TIER_MARKS[int(result.tiers[i, j])], style=TIER_STYLE)
    return mark


def _grid(analysis: Analysis, result: QueryResult) -> Table:
    sources, targets = analysis.sources, analysis.targets
    columns = by_namespace(targets)
    row_externals, column_externals = analysis.source_externals, analysis.target_externals
    depends = "  ? depends on the address" if analysis.address_mattered else ""
    table = Table(
        title=f"{result.label}  (● allowed  · blocked{depends}; rows connect to columns)",
        title_justify="left",
        box=None,
        padding=(0, 1),
        pad_edge=False,
    )
    table.add_column("from \\ to", style="bold")
    for number, _ in enumerate(columns, start=1):
        table.add_column(str(number), justify="center")
    for external in column_externals:
        table.add_column(analysis.external_label(external), justify="center", style="cyan")
    numbers = {targets[j].id: str(n) for n, j in enumerate(columns, start=1)}
    namespace = None
    for i in by_namespace(sources):
        if sources[i].namespace != namespace:
            namespace = sources[i].namespace
            table.add_row(Text(namespace, style="bold magenta"))
        marks = [_mark(result, i, j) for j in columns]
        marks += [_mark(result, i, len(targets) + k) for k in range(len(column_externals))]
        column = numbers.get(sources[i].id, "")
        table.add_row(f"{column:>3} {sources[i].name}", *marks)
    if row_externals:
        table.add_row(Text("external", style="bold cyan"))
    for k, external in enumerate(row_externals):
        row = len(sources) + k
        marks = [_mark(result, row, j) for j in columns]
        blanks = [""] * len(column_externals)
        table.add_row(f"{analysis.external_label(external):>3}", *marks, *blanks)
    return table


def _legend(analysis: Analysis) -> Table:
    table = Table(title="columns", title_justify="left", box=None, padding=(0, 1))
    table.add_column("#", justify="right")
    table.add_column("destination")
    for number, j in enumerate(by_namespace(analysis.targets), start=1):
        table.add_row(str(number), analysis.targets[j].id)
    return table


def _totals(analysis: Analysis, result: QueryResult) -> Group:
    """Namespace pairs with any allowed traffic (at most MAX_TOTAL_ROWS), then a count line."""
    found = open_pairs(analysis, result, MAX_TOTAL_ROWS)
    table = Table(title=f"{result.label}: allowed pairs per namespace", title_justify="left")
    table.add_column("from")
    table.add_column("to")
    table.add_column("allowed", justify="right")
    for total in found.shown:
        style = "green" if total.allowed == total.total else "yellow"
        table.add_row(
            total.source, total.target, Text(f"{total.allowed}/{total.total}", style=style)
        )
    summary = (
        f"{found.pairs} namespace pairs: {found.fully} fully open, "
        f"{found.open - found.fully} partly, {found.pairs - found.open} fully blocked (not listed)"
    )
    if found.open > MAX_TOTAL_ROWS:
        summary += f"; {found.open - MAX_TOTAL_ROWS} more open pairs: see --format csv|json"
    return Group(table, Text(summary))


def _externals(analysis: Analysis) -> Table:
    table = Table(title="external ranges", title_justify="left", box=None, padding=(0, 1))
    table.add_column("", style="cyan")
    table.add_column("made by")
    table.add_column("range")
    table.add_column("example")
    for number, external in enumerate(analysis.externals, start=1):
        example = "(domain name)" if external.domain else str(external.representative)
        table.add_row(f"E{number}", external.origin, external.name, example)
    return table


def render_matrix_text(analysis: Analysis, console: Console) -> None:
    """Print the analysis: grids (or totals), legend, external ranges, the ipBlock reading."""
    grid = fits_grid(analysis)
    if not analysis.queries:
        console.print("no endpoint serves a port: pass --port to ask about one")
    for result in analysis.queries:
        console.print(_grid(analysis, result) if grid else _totals(analysis, result))
        console.print()
    if grid and analysis.queries:
        console.print(_legend(analysis))
    if analysis.externals:
        console.print(_externals(analysis))
    if analysis.tiers and grid:
        console.print(
            Text(
                "A/B/C: decided by the Admin/Baseline tier or a Calico tier (see explain)",
                style=TIER_STYLE,
            )
        )
    if analysis.address_mattered:
        console.print(
            Text(
                f"? blocked or allowed depending on the address an endpoint without an IP gets "
                f"in the {analysis.pod_cidr} (see explain)",
                style="yellow",
            )
        )
    if analysis.reading_mattered:
        console.print(
            Text(
                f"* decided by the ipBlock reading --ipblock-pods={analysis.reading} "
                "(whether ipBlocks match in-cluster pod IPs); the other reading flips it",
                style=DECIDED_STYLE,
            )
        )
