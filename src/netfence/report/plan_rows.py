"""A plan as rows: the intended flows and the proof's cells, with readable names (shared by
the text and JSON renderers)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from netfence.blueprint.intents import Addresses, End, Intent, Pods, expected_flows
from netfence.blueprint.plan import Plan
from netfence.blueprint.prove import Cell
from netfence.engine import ExternalRange
from netfence.model import PROTOCOLS

READING_NOTE: dict[tuple[str, ...], str] = {
    ("match",): "only if ipBlocks match pod IPs",
    ("ignore",): "only if ipBlocks ignore pod IPs",
}


@dataclass(frozen=True)
class FlowRow:
    id: str
    source: str
    target: str
    ports: str
    description: str


@dataclass(frozen=True)
class CellRow:
    """One ordered pair under the same readings: ports allowed vs intended, all protocols."""

    source: str
    target: str
    allowed: str
    intended: str
    verdict: str
    holds: bool


def _end_text(end: End) -> str:
    if isinstance(end, Pods) and end.name.endswith("/*"):
        return "every pod"
    return end.name


def flow_rows(intents: Sequence[Intent]) -> list[FlowRow]:
    """Intended flows; the per-namespace DNS intents become one row per DNS server."""
    rows: list[FlowRow] = []
    seen: set[tuple[str, str]] = set()
    for intent in intents:
        source = _end_text(intent.source)
        if intent.kind == "dns":
            source = "every namespace"
            if (source, intent.target.name) in seen:
                continue
            seen.add((source, intent.target.name))
        ports = ", ".join(str(p) for p in intent.ports)
        description = "" if intent.kind == "dns" else intent.description
        rows.append(FlowRow(intent.id, source, _end_text(intent.target), ports, description))
    return rows


def node_names(plan: Plan, externals: Sequence[ExternalRange]) -> dict[str, str]:
    """Node id -> display name: externals by the blueprint externals holding them."""
    ends = [
        e
        for i in expected_flows(plan.blueprint)
        for e in (i.source, i.target)
        if isinstance(e, Addresses)
    ]
    names: dict[str, str] = {}
    for external in externals:
        owners = ", ".join(sorted({e.name for e in ends if external.representative in e.addresses}))
        label = f"{owners} (IPv{external.version})" if owners else external.name
        taken = set(names.values())
        names[external.id] = next(
            f"{label} #{n}" if n > 1 else label
            for n in range(1, len(names) + 2)
            if (f"{label} #{n}" if n > 1 else label) not in taken
        )
    return names


def _ports(cells: Sequence[Cell], expected: bool) -> str:
    parts = []
    for protocol in PROTOCOLS:
        for cell in cells:
            ports = cell.expected if expected else cell.allowed
            if cell.protocol == protocol and not ports.is_empty:
                parts.append(f"{ports}/{protocol}")
    return ", ".join(parts) or "-"


def _verdict(cells: Sequence[Cell]) -> str:
    problems = []
    for cell in cells:
        if not cell.extra.is_empty:
            problems.append(f"not intended: {cell.extra}/{cell.protocol}")
        if not cell.missing.is_empty:
            problems.append(f"blocked: {cell.missing}/{cell.protocol}")
    note = READING_NOTE.get(cells[0].readings, "")
    text = "; ".join(problems) if problems else "ok"
    return f"{text} ({note})" if note else text


def cell_rows(cells: Sequence[Cell], names: dict[str, str]) -> list[CellRow]:
    """One row per (source, target, readings), protocols joined. A cell that holds under one
    reading only is left out: the other reading's cell for the same pair is the finding."""
    grouped: dict[tuple[str, str, tuple[str, ...]], list[Cell]] = {}
    for cell in cells:
        if cell.holds and len(cell.readings) == 1:
            continue
        grouped.setdefault((cell.source, cell.target, cell.readings), []).append(cell)
    return [
        CellRow(
            names.get(source, source),
            names.get(target, target),
            _ports(group, expected=False),
            _ports(group, expected=True),
            _verdict(group),
            all(c.holds for c in group),
        )
        for (source, target, _), group in grouped.items()
    ]
