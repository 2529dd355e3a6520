"""The executable spec: a small, obviously-correct evaluator of one connection at a time.

An end without an IP is evaluated at every address class of the pod CIDR
(``engine.addresses``), each end independently: the verdict is the common answer, or
depends on the address when the answers differ.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from netfence.engine.addresses import (
    AddressClass,
    PodCIDR,
    address_classes,
    describe,
    holds_part,
    placed,
    pod_cidr,
    unaddressed,
)
from netfence.engine.calico import CalicoReference
from netfence.engine.cilium_match import CiliumView
from netfence.engine.cilium_side import CiliumReference
from netfence.engine.external import ExternalRange
from netfence.engine.intervals import PortSet
from netfence.engine.peers import Node, matching_peer, peer_miss
from netfence.engine.port_spans import port_spans
from netfence.engine.ports import matching_port, resolve, rule_port_set
from netfence.engine.selection import by_namespace, isolating
from netfence.engine.tiers import TierReference
from netfence.engine.verdict import AddressDependence, NearMiss, RuleRef, SideVerdict, Verdict
from netfence.model import PROTOCOLS, Cluster, Direction, Endpoint, NetworkPolicy, Protocol
from netfence.vocabulary import IPBlockReading


def other_reading(reading: IPBlockReading) -> IPBlockReading:
    return "ignore" if reading == "match" else "match"


@dataclass
class Reference:
    """Evaluates connections pair by pair, straight from the definitions."""

    cluster: Cluster
    reading: IPBlockReading = "match"
    pod: PodCIDR | None = None
    """Where ends without an IP are (None: the input's pod CIDR, else the default)."""
    _namespace_labels: dict[str, dict[str, str]] = field(default_factory=dict, repr=False)
    _isolating: dict[tuple[str, Direction], tuple[NetworkPolicy, ...]] = field(
        default_factory=dict, repr=False
    )

    def __post_init__(self) -> None:
        self.tiers = TierReference(self.cluster, self.namespace_labels)
        self.cilium = CiliumReference(CiliumView(self.cluster))
        self.calico = CalicoReference(self.cluster, self.cluster.namespace_labels)
        self.pod = self.pod or pod_cidr((), self.cluster)
        self.addresses: tuple[AddressClass, ...] = address_classes(self.pod, self.cluster)
        self._policies_in = by_namespace(self.cluster.policies)

    def placements(self, node: Node) -> list[Node]:
        """``node``, or an endpoint without an IP at each address class of the pod CIDR."""
        if unaddressed(node):
            assert isinstance(node, Endpoint)
            return [placed(node, where) for where in self.addresses]
        return [node]

    def namespace_labels(self, node: Node) -> dict[str, str]:
        if isinstance(node, ExternalRange):
            return {}
        if node.namespace not in self._namespace_labels:
            self._namespace_labels[node.namespace] = self.cluster.namespace_labels(node.namespace)
        return self._namespace_labels[node.namespace]

    def _isolating_policies(
        self, subject: Endpoint, direction: Direction
    ) -> tuple[NetworkPolicy, ...]:
        """``isolating``, asked once per endpoint and direction."""
        key = (subject.id, direction)
        if key not in self._isolating:
            policies = self._policies_in.get(subject.namespace, ())
            self._isolating[key] = isolating(policies, subject, direction)
        return self._isolating[key]

    def side(
        self,
        direction: Direction,
        src: Node,
        dst: Node,
        port: int | None,
        protocol: Protocol,
        reading: IPBlockReading | None = None,
    ) -> SideVerdict:
        """The egress decision of ``src`` or the ingress decision of ``dst``."""
        reading = reading or self.reading
        subject, other = (src, dst) if direction == "egress" else (dst, src)
        if isinstance(subject, ExternalRange):
            return SideVerdict(direction, subject.id, False, (), (), True)
        policies = self._isolating_policies(subject, direction)
        labels = self.namespace_labels(other)
        admitted: list[RuleRef] = []
        near: list[NearMiss] = []
        for policy in policies:
            for index, rule in enumerate(policy.rules(direction)):
                peer = matching_peer(rule, policy.namespace, other, labels, reading)
                port_index = False if port is None else matching_port(rule, protocol, port, dst)
                if peer is not False and port_index is not False:
                    admitted.append(
                        RuleRef(policy.id, direction, index, peer, port_index, rule.source)
                    )
                elif peer is not False and port is not None:
                    ports = ", ".join(str(p) for p in rule.ports)
                    why = f"its ports ({ports}) do not include {port}/{protocol}"
                    ref = RuleRef(policy.id, direction, index, peer, None, rule.source)
                    near.append(NearMiss(ref, "port", why))
                elif port_index is not False:
                    why = "; ".join(
                        peer_miss(p, policy.namespace, other, labels, reading) for p in rule.peers
                    )
                    ref = RuleRef(policy.id, direction, index, None, port_index, rule.source)
                    near.append(NearMiss(ref, "peer", why))
        allowed = not policies or bool(admitted)
        networkpolicy = SideVerdict(
            direction,
            subject.id,
            bool(policies),
            tuple(p.id for p in policies),
            tuple(admitted),
            allowed,
            () if admitted else tuple(near),
        )
        networkpolicy = self.cilium.side(networkpolicy, subject, other, port, protocol, dst)
        if self.calico.active:
            return self.calico.side(networkpolicy, src, dst, port, protocol)
        return self.tiers.side(networkpolicy, subject, other, port, protocol, dst)

    def verdict(self, src: Node, dst: Node, port: int | str, protocol: Protocol = "TCP") -> Verdict:
        """The verdict with its reasons, and whether the ipBlock reading decided it."""
        first = self._placed_verdict(src, dst, port, protocol, self.reading)
        other = self._placed_verdict(src, dst, port, protocol, other_reading(self.reading))
        decided = _state(first) != _state(other)
        return replace(first, ipblock_reading_decided=decided)

    def _placed_verdict(
        self, src: Node, dst: Node, port: int | str, protocol: Protocol, reading: IPBlockReading
    ) -> Verdict:
        """The verdict at every placement of the two ends: the common one, or one that
        blocks with the condition under which it is allowed."""
        sources = self.placements(src)
        if src == dst:
            return self._verdict(sources[0], sources[0], port, protocol, reading)
        targets = self.placements(dst)
        grid = [[self._verdict(s, d, port, protocol, reading) for d in targets] for s in sources]
        allowed = [(i, j) for i, row in enumerate(grid) for j, v in enumerate(row) if v.allowed]
        if not allowed or len(allowed) == len(sources) * len(targets):
            return grid[0][0]
        blocked = next(v for row in grid for v in row if not v.allowed)
        condition = self._condition(src, dst, allowed, (len(sources), len(targets)))
        allowing = grid[allowed[0][0]][allowed[0][1]]
        blocks = self._partial_blocks(allowing)
        dependence = AddressDependence(condition, allowing, str(self.pod), blocks)
        return replace(blocked, depends_on_address=dependence)

    def _partial_blocks(self, verdict: Verdict) -> tuple[str, ...]:
        """The ipBlocks holding part of the pod CIDR through which ``verdict`` is allowed."""
        assert self.pod is not None
        policies = {p.id: p for p in self.cluster.policies}
        found: list[str] = []
        for side in (verdict.egress, verdict.ingress):
            for ref in side.admitted_by:
                policy = policies.get(ref.policy)
                rules = () if policy is None else policy.rules(ref.direction)
                if ref.peer is None or ref.rule >= len(rules):
                    continue
                peers = rules[ref.rule].peers
                block = peers[ref.peer].ip_block if ref.peer < len(peers) else None
                if block is not None and holds_part(block, self.pod):
                    found.append(f"ipBlock {block} ({ref.policy} {ref.direction}[{ref.rule}])")
        return tuple(found)

    def _condition(
        self, src: Node, dst: Node, allowed: list[tuple[int, int]], shape: tuple[int, int]
    ) -> str:
        """Which placements allow: ``X's address is in A [and Y's address is in B]``."""
        rows = sorted({i for i, _ in allowed})
        columns = sorted({j for _, j in allowed})
        if len(allowed) == len(rows) * len(columns):
            parts = [
                f"{node.id}'s address is in {describe([self.addresses[k] for k in chosen])}"
                for node, chosen, size in ((src, rows, shape[0]), (dst, columns, shape[1]))
                if len(chosen) < size
            ]
            return " and ".join(parts)
        return " or ".join(
            f"({src.id}'s address is in {self.addresses[i].name} and {dst.id}'s address "
            f"is in {self.addresses[j].name})"
            for i, j in allowed
        )

    def _verdict(
        self, src: Node, dst: Node, port: int | str, protocol: Protocol, reading: IPBlockReading
    ) -> Verdict:
        resolved = resolve(port, protocol, dst)
        egress = self.side("egress", src, dst, resolved, protocol, reading)
        ingress = self.side("ingress", src, dst, resolved, protocol, reading)
        self_traffic = not isinstance(src, ExternalRange) and src == dst
        both_external = isinstance(src, ExternalRange) and isinstance(dst, ExternalRange)
        allowed = self_traffic or (
            not both_external and resolved is not None and egress.allowed and ingress.allowed
        )
        return Verdict(
            src.id,
            dst.id,
            port,
            resolved,
            protocol,
            allowed,
            self_traffic,
            egress,
            ingress,
            ipblock_reading_decided=False,
        )

    def side_ports(self, direction: Direction, src: Node, dst: Node, protocol: Protocol) -> PortSet:
        """Every port of ``protocol`` one side lets through from ``src`` to ``dst``."""
        subject, other = (src, dst) if direction == "egress" else (dst, src)
        if isinstance(subject, ExternalRange):
            return PortSet.all()
        if self.calico.active:
            return self._calico_side_ports(direction, src, dst, protocol)
        policies = self._isolating_policies(subject, direction)
        admitted = PortSet() if policies else PortSet.all()
        for policy in policies:
            for rule in policy.rules(direction):
                labels = self.namespace_labels(other)
                if matching_peer(rule, policy.namespace, other, labels, self.reading) is not False:
                    admitted = admitted | rule_port_set(rule, protocol, dst)
        admitted, decided = self.cilium.side_ports(
            direction, subject, other, protocol, dst, admitted, bool(policies)
        )
        return self.tiers.side_ports(direction, subject, other, protocol, dst, admitted, decided)

    def _calico_side_ports(
        self, direction: Direction, src: Node, dst: Node, protocol: Protocol
    ) -> PortSet:
        """Ports one side lets through with Calico's tiers: the side verdict at the start of
        every span where some rule's ports begin or end."""
        allowed = [
            (lo, hi)
            for lo, hi in port_spans(self.cluster, protocol, dst)
            if self.side(direction, src, dst, lo, protocol).allowed
        ]
        return PortSet.of(allowed)

    def connections(self, src: Node, dst: Node) -> dict[Protocol, PortSet]:
        """Exact allowed ports per protocol from ``src`` to ``dst``; with an end without an
        IP, the ports allowed at some placement of the ends (what its address may allow)."""
        return self.placed_connections(src, dst)[0]

    def placed_connections(
        self, src: Node, dst: Node
    ) -> tuple[dict[Protocol, PortSet], dict[Protocol, PortSet]]:
        """Allowed ports per protocol at some placement of the ends, and at every one."""
        if not isinstance(src, ExternalRange) and src == dst:
            every = {protocol: PortSet.all() for protocol in PROTOCOLS}
            return every, every
        if isinstance(src, ExternalRange) and isinstance(dst, ExternalRange):
            none = {protocol: PortSet() for protocol in PROTOCOLS}
            return none, none
        some = {protocol: PortSet() for protocol in PROTOCOLS}
        every = {protocol: PortSet.all() for protocol in PROTOCOLS}
        for source in self.placements(src):
            for target in self.placements(dst):
                for protocol in PROTOCOLS:
                    ports = self.side_ports("egress", source, target, protocol) & self.side_ports(
                        "ingress", source, target, protocol
                    )
                    some[protocol] = some[protocol] | ports
                    every[protocol] = every[protocol] & ports
        return some, every


def _state(verdict: Verdict) -> tuple[bool, bool]:
    """Allowed, and allowed at some address: what the other ipBlock reading may change."""
    return verdict.allowed, verdict.allowed or verdict.depends_on_address is not None
