"""``analyze --format md``: Markdown tables, a grid per query or namespace totals beyond it."""

from __future__ import annotations

from netfence.engine.analysis import Analysis, QueryResult
from netfence.report.matrix_layout import by_namespace, fits_grid, namespace_totals
from netfence.sanitize import clean

MARK = {True: "✅", False: "❌"}


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(clean(cell).replace("|", "\\|") for cell in cells) + " |"


def _grid(analysis: Analysis, result: QueryResult) -> list[str]:
    rows = by_namespace(analysis.sources) + [
        len(analysis.sources) + j for j in range(len(analysis.source_externals))
    ]
    columns = by_namespace(analysis.targets) + [
        len(analysis.targets) + j for j in range(len(analysis.target_externals))
    ]
    row_ids = [e.id for e in analysis.sources]
    row_ids += [analysis.external_label(x) for x in analysis.source_externals]
    column_ids = [e.id for e in analysis.targets]
    column_ids += [analysis.external_label(x) for x in analysis.target_externals]
    lines = [_row(["from \\ to", *(column_ids[j] for j in columns)])]
    lines.append(_row(["---"] * (len(columns) + 1)))
    for i in rows:
        cells = []
        for j in columns:
            external_pair = i >= len(analysis.sources) and j >= len(analysis.targets)
            mark = "" if external_pair else MARK[bool(result.allowed[i, j])]
            if result.depends is not None and result.depends[i, j]:
                mark = "?"
            cells.append(mark + ("\\*" if result.reading_decided[i, j] else ""))
        lines.append(_row([row_ids[i], *cells]))
    return lines


def _totals(analysis: Analysis, result: QueryResult) -> list[str]:
    lines = [_row(["from", "to", "allowed pairs"]), _row(["---"] * 3)]
    lines += [
        _row([t.source, t.target, f"{t.allowed}/{t.total}"])
        for t in namespace_totals(analysis, result)
    ]
    return lines


def render_matrix_md(analysis: Analysis) -> str:
    """The analysis as a Markdown document."""
    lines = [
        "# Connectivity",
        "",
        f"ipBlock reading: `{analysis.reading}` (whether ipBlocks match in-cluster pod IPs)"
        + ("; cells marked \\* depend on it" if analysis.reading_mattered else ""),
    ]
    for result in analysis.queries:
        lines += ["", f"## {result.label}", ""]
        lines += _grid(analysis, result) if fits_grid(analysis) else _totals(analysis, result)
    if analysis.externals:
        lines += ["", "## External ranges", ""]
        lines += [_row(["", "id", "CIDRs", "example"]), _row(["---"] * 4)]
        lines += [
            _row(
                [
                    f"E{k}",
                    x.id,
                    ", ".join(str(c) for c in x.cidrs),
                    x.domain or str(x.representative),
                ]
            )
            for k, x in enumerate(analysis.externals, start=1)
        ]
    return "\n".join(lines) + "\n"
