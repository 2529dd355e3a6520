"""``netfence plan --format json``: the flows, the proof's cells, problems, notes, files."""

from __future__ import annotations

from typing import Any

from netfence.blueprint.intents import expected_flows
from netfence.blueprint.plan import Plan
from netfence.blueprint.prove import Cell
from netfence.report.plan_rows import node_names


def _cell_json(cell: Cell, names: dict[str, str]) -> dict[str, Any]:
    return {
        "from": cell.source,
        "to": cell.target,
        "from_name": names.get(cell.source, cell.source),
        "to_name": names.get(cell.target, cell.target),
        "protocol": cell.protocol,
        "allowed": str(cell.allowed) if not cell.allowed.is_empty else "",
        "intended": str(cell.expected) if not cell.expected.is_empty else "",
        "intents": list(cell.intents),
        "readings": list(cell.readings),
        "holds": cell.holds,
    }


def plan_json(plan: Plan, output: str | None) -> dict[str, Any]:
    """The whole plan as JSON-friendly data."""
    intents = expected_flows(plan.blueprint)
    proof = plan.proof
    names = node_names(plan, proof.externals) if proof is not None else {}
    return {
        "blueprint": plan.blueprint.metadata.name,
        "holds": plan.holds,
        "synthesized": plan.synthesized,
        "output": output,
        "flows": [
            {
                "id": i.id,
                "kind": i.kind,
                "from": i.source.name,
                "to": i.target.name,
                "ports": [str(p) for p in i.ports],
                "description": i.description,
            }
            for i in intents
        ],
        "proof": None
        if proof is None
        else {
            "holds": proof.holds,
            "pairs": proof.pairs,
            "endpoints": proof.endpoints,
            "externals": len(proof.externals),
            "cells": [_cell_json(c, names) for c in proof.cells],
            "offending": [_cell_json(c, names) for c in proof.offending],
            "closed_entries": [
                {"workload": e.workload, "namespace": e.namespace, "message": str(e)}
                for e in proof.closed_entries
            ],
            "not_evaluated": [
                {"kind": o.kind, "apiVersion": o.api_version, "object": o.id}
                for o in plan.cluster.not_evaluated
            ],
        },
        "problems": [p.as_dict() for p in plan.problems],
        "notes": list(plan.notes),
        "files": sorted(plan.generated.files()),
    }
