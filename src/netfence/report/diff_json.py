"""The semantic diff as JSON, for scripts and CI."""

from __future__ import annotations

import json
from typing import Any

from netfence.diff.result import Change, DiffResult


def change_record(change: Change) -> dict[str, Any]:
    """One connection: pair, protocol, ports as text and as inclusive ranges.

    An external side also lists its exact CIDRs (``from_cidrs``/``to_cidrs``).
    """
    record: dict[str, Any] = {"from": change.src, "to": change.dst}
    if change.src_external:
        record["from_cidrs"] = [str(c) for c in change.src_cidrs]
    if change.dst_external:
        record["to_cidrs"] = [str(c) for c in change.dst_cidrs]
    record |= {
        "protocol": change.protocol,
        "ports": str(change.ports),
        "port_ranges": [list(r) for r in change.ports],
    }
    if change.tier is not None:
        record["tier"] = change.tier
    if change.depends_on_address:
        record["depends_on_address"] = True
    return record


def diff_document(result: DiffResult) -> dict[str, Any]:
    """The JSON-ready form of a diff (with ``possible_endpoints`` when both sides were
    evaluated on possible witnesses)."""
    document: dict[str, Any] = {
        "old": result.old,
        "new": result.new,
        "ipblock_pods": result.ipblock_pods,
        "summary": {
            "added": len(result.added),
            "removed": len(result.removed),
            "new_egress": len(result.new_egress),
            "new_ingress": len(result.new_ingress),
        },
        "endpoints": {
            "added": list(result.endpoints_added),
            "removed": list(result.endpoints_removed),
        },
        "added": [change_record(c) for c in result.added],
        "removed": [change_record(c) for c in result.removed],
    }
    if result.notes:
        document["notes"] = list(result.notes)
    if result.witnesses:
        document["possible_endpoints"] = [
            {"id": ident, "description": text, "observed": False}
            for ident, text in result.witnesses
        ]
    return document


def render_diff_json(result: DiffResult) -> str:
    return json.dumps(diff_document(result), indent=2) + "\n"
