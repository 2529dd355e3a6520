"""Calico's ordered tiers compiled to nftables chains of one endpoint's namespace.

When the input holds Calico policies, each direction's hook chain jumps, in the engine's
tier order (``engine/calico``: Calico tiers by order, the SIG Network tiers and the default
tier with the Kubernetes NetworkPolicies where Calico places them), to one chain per tier
that applies to the endpoint. A tier's chain holds its policies in evaluation order, rules
as written: Allow is ``accept``, Deny ``drop``, Pass ``return`` (on to the next tier's jump),
Log only a comment (evaluation continues). The chain ends in ``drop`` unless the tier's
defaultAction is Pass; after the last jump the hook's policy accepts (profiles allow).

Which peers and ports a Calico rule matches is asked of the engine's matcher
(``engine/calico_match``), one lab node and one port interval at a time; the rule becomes
the lab addresses it matches, grouped by the ports it admits. Addresses the lab made up
are unknown to the engine, so nets never match them. What the engine does not evaluate
(ICMP, other protocols, host endpoints, preDNAT) matches nothing here either.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from netfence.engine.calico import CalicoReference, KubernetesEntry
from netfence.engine.calico_kube import KubeTierEntry
from netfence.engine.calico_match import rule_port_spans
from netfence.engine.external import ExternalRange
from netfence.engine.intervals import MAX_PORT, MIN_PORT
from netfence.engine.peers import Node
from netfence.lab.nft_text import FAMILY, port_list, set_definition
from netfence.lab.nft_tiers import VERDICT, TierWriter
from netfence.lab.topology import LabNode
from netfence.model import Cluster, Direction, Endpoint, IPAddress, NetworkPolicy, Protocol
from netfence.model.calico import CalicoPolicy, CalicoRule, CalicoTier, format_order

PORT_PROTOCOLS: tuple[Protocol, ...] = ("TCP", "UDP", "SCTP")
_FIELD = {"ingress": "saddr", "egress": "daddr"}
Span = tuple[int, int]
KubernetesRules = Callable[[NetworkPolicy, Direction], list[str]]


def external_nodes(nodes: Sequence[LabNode]) -> tuple[ExternalRange, ...]:
    """The lab's external nodes as engine nodes standing at their lab address (an external
    range keeps its CIDRs, an ``fqdn:`` node its domain)."""
    return tuple(
        ExternalRange(
            n.ident,
            n.cidrs or (ipaddress.ip_network(n.addresses[0]),),
            n.addresses[0].version,
            n.addresses[0],
            n.ident,
            n.domain,
        )
        for n in nodes
        if n.is_external
    )


def tier_chain_name(index: int, direction: Direction) -> str:
    return f"calico{index}_{direction}"


@dataclass(frozen=True)
class _Peer:
    """A lab node as the engine sees it, and the addresses it has in the lab."""

    node: Node
    addresses: tuple[IPAddress, ...]


def _engine_view(endpoint: Endpoint, unknown: frozenset[IPAddress]) -> Endpoint:
    return dataclasses.replace(endpoint, ips=tuple(ip for ip in endpoint.ips if ip not in unknown))


@dataclass
class CalicoWriter:
    """Sets and tier chains for one endpoint when Calico policies are present."""

    cluster: Cluster
    endpoint: Endpoint
    unknown: frozenset[IPAddress]
    externals: Sequence[ExternalRange]
    tiers: TierWriter
    kubernetes_rules: KubernetesRules
    sets: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.reference = CalicoReference(self.cluster, self.cluster.namespace_labels)
        self.subject = _engine_view(self.endpoint, self.unknown)
        self.peers = [_Peer(_engine_view(e, self.unknown), e.ips) for e in self.cluster.endpoints]
        self.peers += [_Peer(x, (x.representative,)) for x in self.externals]
        self._kubernetes = {p.id: p for p in self.cluster.policies}

    def chains(
        self, direction: Direction, kubernetes: Sequence[NetworkPolicy]
    ) -> tuple[list[str], list[str]]:
        """The hook chain's jumps and the tier chains for ``direction`` (none: no tier
        applies, so the profile allows)."""
        jumps: list[str] = []
        chains: list[str] = []
        ids = tuple(p.id for p in kubernetes)
        for index, tier in enumerate(self.reference.tiers):
            entries = self.reference.entries(tier, direction, self.subject, ids)
            if not entries:
                continue
            name = tier_chain_name(index, direction)
            jumps += [
                f"\t\t# tier {tier.name} (order {format_order(tier.order)})",
                f"\t\tjump {name}",
            ]
            chains.append(self._tier_chain(name, tier, direction, entries))
        return jumps, chains

    def _tier_chain(
        self,
        name: str,
        tier: CalicoTier,
        direction: Direction,
        entries: Sequence[CalicoPolicy | KubernetesEntry | KubeTierEntry],
    ) -> str:
        lines = [f"\tchain {name} {{"]
        for number, entry in enumerate(entries):
            tag = f"{name}_{number}"
            if isinstance(entry, KubernetesEntry):
                policy = self._kubernetes[entry.policy_id]
                lines += self.kubernetes_rules(policy, direction)
            elif isinstance(entry, KubeTierEntry):
                for tier_rule in entry.policy.rules(direction):
                    lines += self.tiers.rule_lines(tag, entry.policy, direction, tier_rule)
            else:
                for rule in entry.rules(direction):
                    lines += self._rule_lines(tag, entry, direction, rule)
        if tier.default_action == "Deny":
            lines += [f"\t\t# the end of tier {tier.name}: deny", "\t\tdrop"]
        lines.append("\t}")
        return "\n".join(lines)

    def _rule_lines(
        self, tag: str, policy: CalicoPolicy, direction: Direction, rule: CalicoRule
    ) -> list[str]:
        lines = [f"\t\t# {policy.label}, {direction} rule {rule.index + 1}: {rule.action}"]
        if rule.action == "Log":
            return lines
        groups: dict[tuple[tuple[Protocol, tuple[Span, ...]], ...], set[IPAddress]] = {}
        for peer in self.peers:
            src, dst = (
                (peer.node, self.subject) if direction == "ingress" else (self.subject, peer.node)
            )
            addresses = [ip for ip in peer.addresses if rule.ip_version in (None, ip.version)]
            admitted = tuple(
                (protocol, spans)
                for protocol in PORT_PROTOCOLS
                if (spans := self._admitted_ports(policy, rule, src, dst, protocol))
            )
            if admitted and addresses:
                groups.setdefault(admitted, set()).update(addresses)
        verdict = VERDICT[rule.action]
        for number, (admitted, matched) in enumerate(sorted(groups.items())):
            for version, (family, kind) in FAMILY.items():
                listed = sorted(str(ip) for ip in matched if ip.version == version)
                if not listed:
                    continue
                set_name = f"{tag}_r{rule.index}_g{number}_v{version}"
                self.sets.append(set_definition(set_name, kind, listed, interval=True))
                address = f"{family} {_FIELD[direction]} @{set_name}"
                lines += [f"\t\t{address} {ports} {verdict}" for ports in _port_matches(admitted)]
        return lines

    def _admitted_ports(
        self, policy: CalicoPolicy, rule: CalicoRule, src: Node, dst: Node, protocol: Protocol
    ) -> tuple[Span, ...]:
        """The destination ports of ``protocol`` on which the rule matches src -> dst: the
        matcher asked once per interval between the ports the rule names."""
        cuts = {MIN_PORT, MAX_PORT + 1}
        for lo, hi in rule_port_spans(rule, protocol, dst):
            cuts |= {lo, hi + 1}
        points = sorted(c for c in cuts if MIN_PORT <= c <= MAX_PORT + 1)
        spans: list[Span] = []
        for lo, following in itertools.pairwise(points):
            if self.reference.matcher.rule_matches(policy, rule, src, dst, lo, protocol):
                if spans and spans[-1][1] == lo - 1:
                    spans[-1] = (spans[-1][0], following - 1)
                else:
                    spans.append((lo, following - 1))
        return tuple(spans)


def _port_matches(admitted: Sequence[tuple[Protocol, tuple[Span, ...]]]) -> list[str]:
    """One match per distinct port set, naming every protocol that admits it."""
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
