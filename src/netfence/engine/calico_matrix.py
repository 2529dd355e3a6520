"""Whole matrices when Calico policies are present: the per-pair spec over node classes.

Calico's ordered tiers are evaluated once per (source class, destination class) by the
reference evaluator; classes already split every label, namespace, port, service account,
address family and CIDR membership a Calico rule can see.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from netfence.engine.external import ExternalRange
from netfence.engine.peers import Node
from netfence.engine.ports import resolve
from netfence.engine.reference import Reference
from netfence.engine.tier_matrix import ADMIN, BASELINE, CALICO, NO_TIER, cell_tiers
from netfence.engine.verdict import SideVerdict
from netfence.model import Protocol


def side_code(side: SideVerdict) -> int:
    """The matrix code of the tier that decided a side (NO_TIER: none did)."""
    if side.decided_by is None:
        return NO_TIER
    return {"Admin": ADMIN, "Baseline": BASELINE}.get(side.decided_by.tier, CALICO)


def calico_class_matrix(
    reference: Reference, reps: Sequence[Node], port: int | str, protocol: Protocol
) -> tuple[np.ndarray, np.ndarray]:
    """[src class, dst class]: allowed, and the code of the deciding tier."""
    size = len(reps)
    egress_allowed = np.zeros((size, size), dtype=bool)
    ingress_allowed = np.zeros((size, size), dtype=bool)
    egress_code = np.zeros((size, size), dtype=np.int8)
    ingress_code = np.zeros((size, size), dtype=np.int8)
    for j, dst in enumerate(reps):
        resolved = resolve(port, protocol, dst)
        if resolved is None:
            continue
        for i, src in enumerate(reps):
            if isinstance(src, ExternalRange) and isinstance(dst, ExternalRange):
                continue
            egress = reference.side("egress", src, dst, resolved, protocol)
            ingress = reference.side("ingress", src, dst, resolved, protocol)
            egress_allowed[i, j], ingress_allowed[i, j] = egress.allowed, ingress.allowed
            egress_code[i, j], ingress_code[i, j] = side_code(egress), side_code(ingress)
    allowed: np.ndarray = egress_allowed & ingress_allowed
    codes = cell_tiers(allowed, (egress_allowed, egress_code), (ingress_allowed, ingress_code))
    return allowed, codes
