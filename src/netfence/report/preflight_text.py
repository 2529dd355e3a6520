"""``netfence preflight`` as a table: each check, its result, detail and fix."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table

from netfence.cluster.preflight import Check

STATUS_STYLE = {"pass": "green", "warn": "yellow", "fail": "red"}


def preflight_table(checks: Sequence[Check], where: str) -> Table:
    """One row per check, its result coloured (``where`` names the cluster)."""
    table = Table(title=f"preflight: {where}")
    for column in ("check", "result", "detail", "fix"):
        table.add_column(column)
    for c in checks:
        style = STATUS_STYLE[c.status]
        table.add_row(c.name, f"[{style}]{c.status}[/{style}]", c.detail, c.fix)
    return table
