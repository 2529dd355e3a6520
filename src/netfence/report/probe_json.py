"""``netfence probe --format json``: every probe, expected and measured, and the count that
differ."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from netfence.cluster.probe import ProbeResult


def probe_json(results: Sequence[ProbeResult], differing: int) -> dict[str, Any]:
    rows = [
        {
            "from": r.case.src.id,
            "to": r.case.dst.id,
            "ip": str(r.case.ip) if r.case.ip else None,
            "port": r.case.port,
            "protocol": r.case.protocol,
            "expected": "allowed" if r.case.expected else "blocked",
            "measured": r.outcome,
            "why": r.why,
            "attempts": r.attempts,
        }
        for r in results
    ]
    return {"differing": differing, "probes": rows}
