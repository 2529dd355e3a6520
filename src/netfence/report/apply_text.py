"""``netfence apply``'s plan as a table: each object to create, change or prune."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from netfence.cluster.applyplan import ApplyPlan


def print_apply_plan(plan: ApplyPlan, where: str, console: Console) -> None:
    """The steps, then how many of each action (``where`` names the cluster)."""
    table = Table(title=f"apply plan for {where}")
    for column in ("action", "object", "detail"):
        table.add_column(column)
    for step in plan.changes:
        table.add_row(step.action, step.ident, step.detail)
    console.print(table)
    console.print(
        f"{plan.count('create')} to create, {plan.count('change')} to change, "
        f"{plan.count('prune')} to prune, {plan.count('unchanged')} unchanged",
        markup=False,
    )
