"""``netfence verify --format json``: drift per namespace and object, changed connectivity."""

from __future__ import annotations

from dataclasses import asdict

from netfence.cluster.verify import VerifyResult


def verify_json(result: VerifyResult) -> dict[str, object]:
    return {
        "drifted": result.drifted,
        "namespaces": [asdict(c) for c in result.counts],
        "objects": [asdict(d) for d in result.drift],
        "connectivity": [
            {
                "change": c.kind,
                "from": c.src,
                "to": c.dst,
                "protocol": c.protocol,
                "ports": str(c.ports),
            }
            for c in result.connectivity.changes
        ],
    }
