"""Cilium's policies compiled into the NetworkPolicy tier of one endpoint's hook chains.

Deny rules (``ingressDeny``/``egressDeny``) come first and drop; when a Cilium policy in
default deny or a NetworkPolicy isolates the endpoint, the endpoint's own node is accepted
(ingress, Cilium's ``allow-localhost``), then every Allow rule accepts, then the
NetworkPolicies, then the chain drops. Which lab nodes and ports an L3/L4 peer matches is
asked of the engine's definitions (``engine/cilium_match``), one lab node at a time, and
becomes a set of lab addresses. A ``toFQDNs`` peer is an empty set instead, filled at run
time by the endpoint's DNS proxy with the addresses it answered for the names the peer
allows and a DNS rule of the endpoint makes visible (``fqdn``): an address the endpoint did
not resolve never matches it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from netfence.engine.cilium_fqdn import covers
from netfence.engine.cilium_match import CiliumView, is_cilium_endpoint
from netfence.engine.cilium_side import rule_ports
from netfence.engine.external import ExternalRange
from netfence.engine.intervals import MAX_PORT, MIN_PORT
from netfence.engine.peers import Node
from netfence.lab.fqdn import FqdnSet
from netfence.lab.nft_text import FAMILY, port_list, set_definition
from netfence.model import Cluster, Direction, Endpoint, IPAddress, Protocol
from netfence.model.cilium import CiliumPolicy, CiliumRule

PORT_PROTOCOLS: tuple[Protocol, ...] = ("TCP", "UDP", "SCTP")
VERDICT = {"Allow": "accept", "Deny": "drop"}
_FIELD = {"ingress": "saddr", "egress": "daddr"}
Span = tuple[int, int]
Admitted = tuple[tuple[Protocol, tuple[Span, ...]], ...] | None  # None: all traffic


@dataclass
class CiliumWriter:
    """Sets and rule lines of one endpoint's Cilium policies (``externals``: the lab's
    external nodes as the engine sees them, each at its lab address)."""

    cluster: Cluster
    endpoint: Endpoint
    externals: Sequence[ExternalRange]
    sets: list[str] = field(default_factory=list)
    fqdn_sets: list[FqdnSet] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.view = CiliumView(self.cluster)
        managed = bool(self.view.policies) and is_cilium_endpoint(self.endpoint)
        self.selecting = self.view.selecting(self.endpoint) if managed else ()
        self.numbers = {p.id: n for n, p in enumerate(self.view.policies)}
        self.peers: list[tuple[Node, tuple[IPAddress, ...]]] = [
            (e, e.ips) for e in self.cluster.endpoints
        ]
        self.peers += [(x, (x.representative,)) for x in self.externals]
        self.seen = tuple(
            pattern
            for policy in self.selecting
            for rule in policy.egress
            if rule.action == "Allow"
            for pattern in rule.dns
        )

    def isolating(self, direction: Direction) -> list[str]:
        """Ids of the Cilium policies putting the endpoint in default deny for ``direction``."""
        return [p.id for p in self.selecting if direction in p.default_deny]

    def denies(self, direction: Direction) -> list[str]:
        return self._lines(direction, "Deny")

    def allows(self, direction: Direction) -> list[str]:
        """The own node's traffic (ingress), then every Allow rule."""
        lines = self._localhost() if direction == "ingress" else []
        return lines + self._lines(direction, "Allow")

    def _localhost(self) -> list[str]:
        here = sorted(
            {
                ip
                for node, addresses in self.peers
                if self.view.same_node(self.endpoint, node)
                for ip in addresses
            },
            key=str,
        )
        if not here:
            return []
        lines = ["\t\t# the endpoint's own node (Cilium's allow-localhost)"]
        for version, (family, kind) in FAMILY.items():
            listed = [str(ip) for ip in here if ip.version == version]
            if listed:
                self.sets.append(set_definition(f"cilium_host_v{version}", kind, listed, True))
                lines.append(f"\t\t{family} saddr @cilium_host_v{version} accept")
        return lines

    def _lines(self, direction: Direction, action: str) -> list[str]:
        lines: list[str] = []
        for policy in self.selecting:
            for rule in policy.rules(direction):
                if rule.action == action:
                    lines += self._rule_lines(policy, direction, rule)
        return lines

    def _admitted(self, rule: CiliumRule, dst: Node | None) -> Admitted:
        if rule.ports is None:
            return None
        return tuple(
            (protocol, ports.ranges)
            for protocol in PORT_PROTOCOLS
            if not (ports := rule_ports(rule, protocol, dst)).is_empty
        )

    def _static(self, rule: CiliumRule, node: Node) -> bool:
        """Whether an L3 peer other than ``toFQDNs`` matches ``node`` (or the rule is L4-only)."""
        if rule.wildcard:
            return True
        return any(
            self.view.peer_matches(peer, self.endpoint, node)
            for peer in rule.peers
            if peer.kind != "fqdns"
        )

    def _rule_lines(
        self, policy: CiliumPolicy, direction: Direction, rule: CiliumRule
    ) -> list[str]:
        kind = direction[:2] + ("d" if rule.action == "Deny" else "")
        tag = f"c{self.numbers[policy.id]}_{kind}{rule.index}"
        verdict = VERDICT[rule.action]
        lines = [f"\t\t# {policy.short}, {direction} rule {rule.label}: {rule.action}"]
        groups: dict[Admitted, set[IPAddress]] = {}
        for node, addresses in self.peers:
            if not addresses or not self._static(rule, node):
                continue
            admitted = self._admitted(rule, node if direction == "egress" else self.endpoint)
            if admitted != ():
                groups.setdefault(admitted, set()).update(addresses)
        for number, (admitted, matched) in enumerate(sorted(groups.items(), key=str)):
            for version, (family, kind) in FAMILY.items():
                listed = sorted(str(ip) for ip in matched if ip.version == version)
                if listed:
                    name = f"{tag}_g{number}_v{version}"
                    self.sets.append(set_definition(name, kind, listed, interval=True))
                    address = f"{family} {_FIELD[direction]} @{name}"
                    lines += [_line(address, m, verdict) for m in _ports(admitted)]
        if direction == "egress":
            lines += self._fqdn_lines(tag, rule, verdict)
        return lines

    def _fqdn_lines(self, tag: str, rule: CiliumRule, verdict: str) -> list[str]:
        """One empty set per ``toFQDNs`` peer, filled by the endpoint's DNS proxy."""
        lines = []
        admitted = self._admitted(rule, None)
        for index, peer in enumerate(rule.peers):
            if peer.kind != "fqdns" or admitted == ():
                continue
            name = f"{tag}_p{index}_fqdn"
            self.fqdn_sets.append(FqdnSet(name, peer.fqdns, covers, self.seen))
            self.sets.append(set_definition(name, FAMILY[4][1], [], interval=False))
            lines += [_line(f"ip daddr @{name}", m, verdict) for m in _ports(admitted)]
        return lines


def _line(*parts: str) -> str:
    return "\t\t" + " ".join(filter(None, parts))


def _ports(admitted: Admitted) -> list[str]:
    """One match per distinct port set, naming every protocol that admits it ([""]: all)."""
    if admitted is None:
        return [""]
    by_spans: dict[tuple[Span, ...], list[str]] = {}
    for protocol, spans in admitted:
        by_spans.setdefault(spans, []).append(protocol.lower())
    matches = []
    for spans, protocols in by_spans.items():
        match = f"meta l4proto {{ {', '.join(protocols)} }}"
        if spans != ((MIN_PORT, MAX_PORT),):
            match += f" th dport {port_list(spans)}"
        matches.append(match)
    return matches
