"""The Admin and Baseline tiers compiled to nftables chains of one endpoint's namespace.

Each tier becomes one regular chain per direction, its rules in evaluation order (policies by
priority, rules as written): Allow is ``accept``, Deny ``drop`` and Pass ``return``, so the
hook chain goes on to the NetworkPolicy rules. The hook chain jumps to the Admin chain first
and, for pods no NetworkPolicy isolates, to the Baseline chain after it. A ``domainNames``
peer is an empty set of addresses that the endpoint's DNS proxy fills with what it answers
for the names the peer matches (``fqdn``; every lookup is seen, as implementations snoop
DNS), so only resolved addresses match it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from netfence.engine.domains import covers
from netfence.engine.tier_match import node_addresses, selection_matches, subject_selects
from netfence.engine.tiers import ordered
from netfence.lab.fqdn import FqdnSet
from netfence.lab.nft_text import FAMILY, port_list, set_definition
from netfence.model import Cluster, Direction, Endpoint, IPAddress, Protocol
from netfence.model.tiers import Tier, TierPeer, TierPolicy, TierRule

_FIELD = {"ingress": "saddr", "egress": "daddr"}
VERDICT = {"Allow": "accept", "Deny": "drop", "Pass": "return"}
PROTOCOL_NAMES: tuple[Protocol, ...] = ("TCP", "UDP", "SCTP")


def chain_name(tier: Tier, direction: Direction) -> str:
    return f"{tier.lower()}_{direction}"


@dataclass
class TierWriter:
    """Sets and chain lines for one endpoint's tier rules."""

    cluster: Cluster
    endpoint: Endpoint
    unknown: frozenset[IPAddress]
    sets: list[str] = field(default_factory=list)
    uses_unknown: set[int] = field(default_factory=set)
    fqdn_sets: list[FqdnSet] = field(default_factory=list)

    def _set(self, name: str, kind: str, elements: Sequence[str], interval: bool) -> str:
        self.sets.append(set_definition(name, kind, elements, interval))
        return "@" + name

    def policies(self, tier: Tier, direction: Direction) -> list[TierPolicy]:
        labels = self.cluster.namespace_labels(self.endpoint.namespace)
        return [
            p
            for p in ordered(self.cluster, tier)
            if p.rules(direction) and subject_selects(p, self.endpoint, labels)
        ]

    def _peer_endpoints(self, peer: TierPeer) -> list[Endpoint]:
        if peer.selector is not None:
            selector = peer.selector
            return [
                e
                for e in self.cluster.endpoints
                if selection_matches(selector, e, self.cluster.namespace_labels(e.namespace))
            ]
        if peer.kind == "nodes":
            addresses = node_addresses(self.cluster, peer)
            return [e for e in self.cluster.endpoints if any(ip in addresses for ip in e.ips)]
        return []

    def address_matches(self, peer: TierPeer, address: str, name: str) -> list[str]:
        """One match per family ([] when the peer matches nothing the lab can address)."""
        if peer.kind == "domainNames":
            set_name = f"{name}_fqdn"
            self.fqdn_sets.append(FqdnSet(set_name, peer.domains, covers))
            return [f"ip {address} {self._set(set_name, FAMILY[4][1], [], interval=False)}"]
        matches = []
        for version, (family, kind) in FAMILY.items():
            if peer.kind == "networks":
                cidrs = [str(n) for n in peer.networks if n.version == version]
                if not cidrs:
                    continue
                ref = self._set(f"{name}_v{version}", kind, cidrs, interval=True)
                match = f"{family} {address} {ref}"
                if any(ip.version == version for ip in self.unknown):
                    self.uses_unknown.add(version)
                    match += f" {family} {address} != @tier_unknown_v{version}"
                matches.append(match)
                continue
            ips = {str(ip) for e in self._peer_endpoints(peer) for ip in e.ips}
            if peer.kind == "nodes":
                ips |= {str(ip) for ip in node_addresses(self.cluster, peer)}
            listed = sorted(ip for ip in ips if (":" in ip) == (version == 6))
            if listed:
                ref = self._set(f"{name}_v{version}", kind, listed, interval=True)
                matches.append(f"{family} {address} {ref}")
        return matches

    def port_matches(self, rule: TierRule, direction: Direction, peer: TierPeer) -> list[str]:
        """Port matches; named ports resolve on the destination ([""]: every port)."""
        if rule.ports is None:
            return [""]
        matches = []
        for protocol in PROTOCOL_NAMES:
            spans = {
                (p.low, p.high) for p in rule.ports if p.name is None and p.protocol == protocol
            }
            if direction == "ingress":
                names = [p.name for p in rule.ports if p.name is not None]
                spans |= {
                    (n, n) for name in names for n in self.endpoint.named_ports(name, protocol)
                }
            if spans:
                matches.append(f"meta l4proto {protocol.lower()} th dport {port_list(spans)}")
        return matches

    def named_pairs(self, rule: TierRule, peer: TierPeer, name: str) -> list[str]:
        """Egress named ports: (destination, protocol, port) of each peer pod."""
        names = [p.name for p in (rule.ports or ()) if p.name is not None]
        if not names:
            return []
        lines = []
        for version, (family, kind) in FAMILY.items():
            elements = sorted(
                {
                    f"{ip} . {protocol.lower()} . {number}"
                    for e in self._peer_endpoints(peer)
                    for ip in e.ips
                    if ip.version == version
                    for protocol in PROTOCOL_NAMES
                    for n in names
                    for number in e.named_ports(n, protocol)
                }
            )
            if elements:
                ref = self._set(
                    f"{name}_named_v{version}",
                    f"{kind} . inet_proto . inet_service",
                    elements,
                    interval=False,
                )
                lines.append(f"{family} daddr . meta l4proto . th dport {ref}")
        return lines

    def rule_lines(
        self, tag: str, policy: TierPolicy, direction: Direction, rule: TierRule
    ) -> list[str]:
        verdict = VERDICT[rule.action]
        lines = [f"\t\t# {policy.short}, {direction} rule {rule.label}: {rule.action}"]
        for index, peer in enumerate(rule.peers):
            name = f"{tag}_r{rule.index}_p{index}"
            ports = self.port_matches(rule, direction, peer)
            for address in self.address_matches(peer, _FIELD[direction], name):
                lines += [f"\t\t{' '.join(filter(None, (address, p)))} {verdict}" for p in ports]
            if direction == "egress":
                lines += [f"\t\t{m} {verdict}" for m in self.named_pairs(rule, peer, name)]
        return lines

    def chain(self, tier: Tier, direction: Direction) -> str | None:
        """The tier's chain for ``direction``; None when no rule of the tier applies."""
        policies = self.policies(tier, direction)
        if not policies:
            return None
        name = chain_name(tier, direction)
        lines = [f"\tchain {name} {{"]
        for number, policy in enumerate(policies):
            for rule in policy.rules(direction):
                lines += self.rule_lines(
                    f"{tier[0].lower()}{direction[:2]}{number}", policy, direction, rule
                )
        lines.append("\t}")
        return "\n".join(lines)

    def unknown_sets(self) -> None:
        for version in sorted(self.uses_unknown):
            _, kind = FAMILY[version]
            listed = sorted(str(ip) for ip in self.unknown if ip.version == version)
            self._set(f"tier_unknown_v{version}", kind, listed, interval=True)
