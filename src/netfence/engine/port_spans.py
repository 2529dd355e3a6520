"""Port spans: ranges of ports of one protocol over which no rule of any kind changes its
answer, towards every destination or towards one.

Every numeric port or range a rule names for the protocol starts or stops a span (Calico's
for every protocol, whatever the rule's protocol), and so does every container port of the
protocol whose name some rule names (what a named port can resolve to: at the destination,
when one is given); a port inside a span is answered as its first port is. Extra cuts cost
time only, never exactness.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise

from netfence.engine.intervals import MAX_PORT, MIN_PORT
from netfence.engine.peers import Node
from netfence.model import Cluster, Endpoint, Protocol


def _numeric_ranges(cluster: Cluster, protocol: Protocol) -> Iterator[tuple[int, int]]:
    """(first, last) of every numeric port or range of ``protocol`` a rule names."""
    for policy in cluster.policies:
        for rule in (*policy.ingress, *policy.egress):
            for entry in rule.ports:
                if isinstance(entry.port, int) and entry.protocol == protocol:
                    yield entry.port, entry.end_port or entry.port
    for tier_policy in cluster.tier_policies:
        for tier_rule in (*tier_policy.ingress, *tier_policy.egress):
            for tier_port in tier_rule.ports or ():
                if tier_port.name is None and tier_port.protocol == protocol:
                    yield tier_port.low, tier_port.high
    for cilium in cluster.cilium_policies:
        for cilium_rule in (*cilium.ingress, *cilium.egress):
            for cilium_port in cilium_rule.ports or ():
                if cilium_port.name is None and cilium_port.protocol == protocol:
                    yield cilium_port.low, cilium_port.high
    for calico in cluster.calico.policies:
        for calico_rule in (*calico.ingress, *calico.egress):
            for entity in (calico_rule.source, calico_rule.destination):
                for calico_port in (*entity.ports, *entity.not_ports):
                    if calico_port.name is None:
                        yield calico_port.low, calico_port.high


def _port_names(cluster: Cluster) -> set[str]:
    """Every port name a rule of any kind names (compared as written and in lower case)."""
    names: set[str] = set()
    for policy in cluster.policies:
        for rule in (*policy.ingress, *policy.egress):
            names |= {p.port for p in rule.ports if isinstance(p.port, str)}
    for tier_policy in cluster.tier_policies:
        for tier_rule in (*tier_policy.ingress, *tier_policy.egress):
            names |= {p.name for p in tier_rule.ports or () if p.name is not None}
    for cilium in cluster.cilium_policies:
        for cilium_rule in (*cilium.ingress, *cilium.egress):
            names |= {p.name for p in cilium_rule.ports or () if p.name is not None}
    for calico in cluster.calico.policies:
        for calico_rule in (*calico.ingress, *calico.egress):
            for entity in (calico_rule.source, calico_rule.destination):
                ports = (*entity.ports, *entity.not_ports)
                names |= {p.name for p in ports if p.name is not None}
    return names | {name.lower() for name in names}


def port_spans(
    cluster: Cluster, protocol: Protocol, dst: Node | None = None
) -> list[tuple[int, int]]:
    """The spans covering every port of ``protocol`` (towards ``dst`` only, when given), in
    order."""
    cuts = {MIN_PORT, MAX_PORT + 1}
    for low, high in _numeric_ranges(cluster, protocol):
        cuts |= {low, high + 1}
    names = _port_names(cluster)
    destinations = cluster.endpoints if dst is None else (dst,)
    for endpoint in destinations:
        if not isinstance(endpoint, Endpoint):
            continue
        for port in endpoint.ports:
            if (
                port.protocol == protocol
                and port.name is not None
                and (port.name in names or port.name.lower() in names)
            ):
                cuts |= {port.port, port.port + 1}
    edges = sorted(c for c in cuts if MIN_PORT <= c <= MAX_PORT + 1)
    return [(low, following - 1) for low, following in pairwise(edges)]
