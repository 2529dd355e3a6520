"""Where some rule's ports begin or end: the port space cut into spans no rule splits.

Within one span every rule of every dialect admits all ports or none, towards every
destination, so one port per span decides the whole span.
"""

from __future__ import annotations

from collections.abc import Iterable

from netfence.engine.calico_match import rule_port_spans
from netfence.engine.intervals import MAX_PORT, MIN_PORT
from netfence.engine.peers import Node
from netfence.model import Cluster, Endpoint, Protocol


def _named(name: str, protocol: Protocol, dst: Node | None, served: Iterable[int]) -> list[int]:
    """Numbers a port name may stand for: at ``dst``, or (no ``dst``) any served number."""
    if dst is None:
        return list(served)
    return list(dst.named_ports(name, protocol)) if isinstance(dst, Endpoint) else []


def span_starts(cluster: Cluster, protocol: Protocol, dst: Node | None = None) -> list[int]:
    """Sorted first ports of the spans of ``protocol`` towards ``dst`` (towards every
    destination when ``dst`` is None); the last span ends at 65535."""
    served = (
        {p.port for e in cluster.endpoints for p in e.ports if p.protocol == protocol}
        if dst is None
        else set()
    )
    spans: list[tuple[int, int]] = []
    for policy in cluster.policies:
        for rule in (*policy.ingress, *policy.egress):
            for entry in rule.ports:
                if entry.protocol != protocol or entry.port is None:
                    continue
                if isinstance(entry.port, int):
                    spans.append((entry.port, entry.end_port or entry.port))
                else:
                    spans += [(n, n) for n in _named(entry.port, protocol, dst, served)]
    for tier_policy in cluster.tier_policies:
        for tier_rule in (*tier_policy.ingress, *tier_policy.egress):
            for tier_port in tier_rule.ports or ():
                if tier_port.name is not None:
                    spans += [(n, n) for n in _named(tier_port.name, protocol, dst, served)]
                elif tier_port.protocol == protocol:
                    spans.append((tier_port.low, tier_port.high))
    for cilium in cluster.cilium_policies:
        for cilium_rule in (*cilium.ingress, *cilium.egress):
            for cilium_port in cilium_rule.ports or ():
                if cilium_port.name is not None:
                    spans += [(n, n) for n in _named(cilium_port.name, protocol, dst, served)]
                elif cilium_port.protocol == protocol:
                    spans.append((cilium_port.low, cilium_port.high))
    for calico in cluster.calico.policies:
        for calico_rule in (*calico.ingress, *calico.egress):
            if dst is not None:
                spans += rule_port_spans(calico_rule, protocol, dst)
                continue
            for calico_port in (*calico_rule.destination.ports, *calico_rule.destination.not_ports):
                if calico_port.name is not None:
                    spans += [(n, n) for n in served]
                else:
                    spans.append((calico_port.low, calico_port.high))
    bounds = {MIN_PORT} | {b for lo, hi in spans for b in (lo, hi + 1)}
    return sorted(b for b in bounds if MIN_PORT <= b <= MAX_PORT)
