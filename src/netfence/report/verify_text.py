"""``netfence verify`` as text: policy counts, drifted objects, changed connectivity."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from netfence.cluster.verify import VerifyResult
from netfence.report.diff_text import render_diff_text


def print_verify(result: VerifyResult, console: Console) -> None:
    """Policies per namespace, every drifted object, then the connectivity that differs."""
    table = Table(title="policies per namespace")
    for column in ("namespace", "live", "expected", "managed by netfence"):
        table.add_column(column)
    for c in result.counts:
        table.add_row(c.namespace, str(c.live), str(c.expected), str(c.managed))
    console.print(table)
    for d in result.drift:
        console.print(f"{d.kind}: {d.ident}{': ' + d.detail if d.detail else ''}", markup=False)
    if result.connectivity.changes:
        console.print(render_diff_text(result.connectivity), markup=False, end="")
    console.print("drift found" if result.drifted else "no drift: live policies match")
