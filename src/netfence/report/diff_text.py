"""The semantic diff as plain text: one line per pair that gained or lost connections."""

from __future__ import annotations

from netfence.diff.result import DiffResult
from netfence.report.diff_lines import DiffLine, diff_lines
from netfence.sanitize import clean

MARKS = {"added": "+", "removed": "-"}
MAX_PAD = 64  # pairs longer than this are not padded, so one long range keeps lines short


def render_line(line: DiffLine, width: int) -> str:
    """``+ src -> dst  TCP 443`` with the pair padded to ``width``."""
    pair = f"{line.src} -> {line.dst}"
    return f"{MARKS[line.kind]} {pair:<{width}}  {line.ports}{line.tier_note}"


def witness_lines(result: DiffResult) -> list[str]:
    """What the endpoints are when both sides were evaluated on possible witnesses."""
    if not result.witnesses:
        return []
    lines = [
        f"  on {len(result.witnesses)} possible endpoints (no workloads given): one witness "
        "per class of pods the policies tell apart; a witness to itself is two such pods"
    ]
    return lines + [f"  {ident}: {clean(text)}" for ident, text in result.described()]


def grouping_line(result: DiffResult) -> list[str]:
    """What a grouped diff's lines stand for, and how to get each pod pair."""
    if not result.is_grouped:
        return []
    return [
        f"  grouped by {result.group}: {result.pod_records} changed pod pair and protocol "
        "records in all; a line counts the ordered pairs of distinct members that change so "
        "(--group pod lists every pair)"
    ]


def render_diff_text(result: DiffResult) -> str:
    """The whole diff, added lines first; ends with a one-line summary."""
    lines = diff_lines(result.added) + diff_lines(result.removed)
    added = [x for x in lines if x.kind == "added"]
    text = [f"connectivity from {result.old} to {result.new}"]
    text += witness_lines(result)
    text += grouping_line(result)
    text += [f"  note: {note}" for note in result.notes]
    text += [f"  workload only in new: {ident}" for ident in result.endpoints_added]
    text += [f"  workload only in old: {ident}" for ident in result.endpoints_removed]
    width = min(MAX_PAD, max((len(f"{x.src} -> {x.dst}") for x in lines), default=0))
    text += [render_line(x, width) for x in lines]
    text.append(
        f"{len(added)} added, {len(lines) - len(added)} removed "
        f"(new egress {sum(x.is_egress for x in added)}, "
        f"new ingress {sum(x.is_ingress for x in added)}; "
        f"ipBlock on pod IPs: {result.ipblock_pods})"
    )
    return "\n".join(text) + "\n"
