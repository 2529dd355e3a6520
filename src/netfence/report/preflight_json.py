"""``netfence preflight --format json``: the server and every check."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from netfence.cluster.preflight import Check


def preflight_json(checks: Sequence[Check], server: str) -> dict[str, Any]:
    rows = [{"check": c.name, "status": c.status, "detail": c.detail, "fix": c.fix} for c in checks]
    return {"server": server, "checks": rows}
