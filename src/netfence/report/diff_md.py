"""The semantic diff as Markdown, for pull-request comments."""

from __future__ import annotations

from netfence.diff.result import DiffResult
from netfence.report.diff_lines import DiffLine, diff_lines
from netfence.sanitize import clean

MAX_ROWS = 200  # keeps a comment well under GitHub's 65,536-character limit


def _cell(text: str) -> str:
    return "`" + clean(text).replace("|", "\\|").replace("`", "'") + "`"


def change_table(title: str, changes: list[DiffLine]) -> list[str]:
    """A heading and a table of pairs, cut at MAX_ROWS with a count of the rest."""
    if not changes:
        return []
    lines = [f"#### {title}", "", "| from | to | ports |", "|---|---|---|"]
    lines += [
        f"| {_cell(c.src)} | {_cell(c.dst)} | {c.ports}{c.tier_note} |" for c in changes[:MAX_ROWS]
    ]
    if len(changes) > MAX_ROWS:
        lines.append(f"| … and {len(changes) - MAX_ROWS} more | | |")
    return [*lines, ""]


def render_diff_md(result: DiffResult) -> str:
    """A heading, a one-line summary and one table each for added and removed connections."""
    lines = [
        "### netfence: connectivity changes",
        "",
        f"Comparing {_cell(result.old)} → {_cell(result.new)}: every port, protocol and "
        f"address, exactly (ipBlock on pod IPs: {result.ipblock_pods}).",
        "",
    ]
    lines += [*(f"Note: {clean(note)}" for note in result.notes), *([""] if result.notes else [])]
    if result.is_grouped:
        lines += [
            f"Grouped by {result.group}: {result.pod_records} changed pod-pair records in all; "
            "a row counts the member pairs that change so (`--group pod` lists every pair).",
            "",
        ]
    if result.witnesses:
        lines += [
            f"Evaluated on {len(result.witnesses)} possible endpoints (no workloads given): "
            "one witness per class of pods the policies tell apart.",
            "",
        ]
        lines += [f"- {_cell(ident)}: {clean(text)}" for ident, text in result.described()]
        lines += [""] if result.described() else []
    if result.is_empty and not (result.endpoints_added or result.endpoints_removed):
        return "\n".join([*lines, "No connectivity changes.", ""])
    added = diff_lines(result.added)
    removed = diff_lines(result.removed)
    lines += [
        f"**{len(added)} added**, **{len(removed)} removed** "
        f"(new egress: {sum(x.is_egress for x in added)}, "
        f"new ingress: {sum(x.is_ingress for x in added)})",
        "",
    ]
    if result.endpoints_added:
        lines += ["Workloads only in new: " + ", ".join(map(_cell, result.endpoints_added)), ""]
    if result.endpoints_removed:
        lines += ["Workloads only in old: " + ", ".join(map(_cell, result.endpoints_removed)), ""]
    lines += change_table("Added", added)
    lines += change_table("Removed", removed)
    return "\n".join(lines)
