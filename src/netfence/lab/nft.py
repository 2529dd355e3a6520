"""NetworkPolicies (and the Admin/Baseline tiers, see ``nft_tiers``; Cilium's policies,
see ``nft_cilium``; Calico's tiers, see ``nft_calico``) compiled to one nftables ruleset per
endpoint namespace.

Ingress rules filter the ``input`` hook, egress rules the ``output`` hook; loopback and
established/related traffic are always accepted, so self traffic and replies pass, and so is
IPv6 neighbour discovery (the IPv6 counterpart of ARP, which policies do not filter).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from netfence.engine import PortSet
from netfence.engine.external import ExternalRange
from netfence.lab import netns
from netfence.lab.fqdn import FqdnSet
from netfence.lab.nft_calico import CalicoWriter
from netfence.lab.nft_cilium import CiliumWriter
from netfence.lab.nft_text import FAMILY, port_list, set_definition
from netfence.lab.nft_tiers import TierWriter, chain_name
from netfence.model import (
    Cluster,
    Direction,
    Endpoint,
    IPAddress,
    IPBlock,
    NetworkPolicy,
    Peer,
    PolicyPort,
    Protocol,
    Rule,
)
from netfence.vocabulary import IPBlockReading

TABLE = "netfence"
NEIGHBOR_DISCOVERY = "nd-neighbor-solicit, nd-neighbor-advert, nd-router-solicit, nd-router-advert"
_HOOK = {"ingress": ("input", "saddr", "iif"), "egress": ("output", "daddr", "oif")}


def selects(policy: NetworkPolicy, endpoint: Endpoint) -> bool:
    return policy.namespace == endpoint.namespace and policy.pod_selector.matches(
        endpoint.label_map
    )


def selector_peer_matches(cluster: Cluster, peer: Peer, namespace: str, other: Endpoint) -> bool:
    """Whether a selector peer (podSelector and/or namespaceSelector) matches an endpoint."""
    if peer.pod_selector is None and peer.namespace_selector is None:
        return False
    if peer.namespace_selector is None:
        in_namespace = other.namespace == namespace
    else:
        in_namespace = peer.namespace_selector.matches(cluster.namespace_labels(other.namespace))
    return in_namespace and (
        peer.pod_selector is None or peer.pod_selector.matches(other.label_map)
    )


@dataclass
class _Writer:
    """Accumulates named sets and chain lines for one endpoint."""

    cluster: Cluster
    endpoint: Endpoint
    reading: IPBlockReading
    unknown: frozenset[IPAddress]
    sets: list[str]
    excluded: set[str]
    names: frozenset[IPAddress] = frozenset()

    def add_set(self, name: str, kind: str, elements: Sequence[str], interval: bool) -> str:
        self.sets.append(set_definition(name, kind, elements, interval))
        return "@" + name

    def pods_of(self, peer: Peer | None, policy: NetworkPolicy) -> list[Endpoint]:
        """Endpoints a peer reaches (every endpoint for an absent peer list)."""
        if peer is None:
            return list(self.cluster.endpoints)
        if peer.ip_block is not None:
            if self.reading == "ignore":
                return []
            block = peer.ip_block
            return [
                e
                for e in self.cluster.endpoints
                if any(block.contains(ip) for ip in e.ips if ip not in self.unknown)
            ]
        return [
            e
            for e in self.cluster.endpoints
            if selector_peer_matches(self.cluster, peer, policy.namespace, e)
        ]

    def block_matches(self, block: IPBlock, field: str) -> list[str]:
        """Address matches for an ipBlock: its cidr, minus its excepts and the addresses it must
        not match (every pod IP when ipBlocks ignore them, else the lab's made-up ones; with
        excepts, the ``fqdn:`` nodes' addresses: a name may resolve into what is excepted)."""
        version = block.cidr.version
        family, _ = FAMILY[version]
        parts = [f"{family} {field} {block.cidr}"]
        excepts = [str(e) for e in block.excepts if e.version == version]
        if excepts:
            parts.append(f"{family} {field} != {{ {', '.join(excepts)} }}")
        if block.excepts and any(ip.version == version for ip in self.names):
            self.excluded.add("names")
            parts.append(f"{family} {field} != @names_v{version}")
        if self.reading == "ignore":
            excluded = "cluster"
        elif any(ip.version == version for ip in self.unknown):
            excluded = "unknown"
        else:
            return parts
        self.excluded.add(excluded)
        parts.append(f"{family} {field} != @{excluded}_v{version}")
        return parts

    def address_matches(
        self, peer: Peer | None, policy: NetworkPolicy, field: str, set_name: str
    ) -> list[str]:
        """One address match per IP family ('' matches every address)."""
        if peer is None:
            return [""]
        if peer.ip_block is not None:
            return [" ".join(self.block_matches(peer.ip_block, field))]
        matches = []
        pods = self.pods_of(peer, policy)
        for version, (family, kind) in FAMILY.items():
            ips = sorted({str(ip) for e in pods for ip in e.ips if ip.version == version})
            if ips:
                ref = self.add_set(f"{set_name}_v{version}", kind, ips, interval=True)
                matches.append(f"{family} {field} {ref}")
        return matches

    def named_pairs(
        self, peer: Peer | None, policy: NetworkPolicy, names: Sequence[PolicyPort], set_name: str
    ) -> list[str]:
        """Egress named ports: (destination, protocol, port) as resolved on each destination."""
        lines = []
        for version, (family, kind) in FAMILY.items():
            elements = sorted(
                {
                    f"{ip} . {p.protocol.lower()} . {number}"
                    for e in self.pods_of(peer, policy)
                    for ip in e.ips
                    if ip.version == version
                    for p in names
                    for number in e.named_ports(str(p.port), p.protocol)
                }
            )
            if elements:
                ref = self.add_set(
                    f"{set_name}_named_v{version}",
                    f"{kind} . inet_proto . inet_service",
                    elements,
                    interval=False,
                )
                lines.append(f"{family} daddr . meta l4proto . th dport {ref}")
        return lines


def port_matches(ports: Iterable[PolicyPort], owner: Endpoint | None) -> list[str]:
    """One port match per protocol; named ports resolve on ``owner`` (the destination)."""
    by_protocol: dict[Protocol, PortSet | None] = {}
    for port in ports:
        current = by_protocol.setdefault(port.protocol, PortSet())
        if current is None:
            continue
        if port.port is None:
            by_protocol[port.protocol] = None
        elif isinstance(port.port, int):
            by_protocol[port.protocol] = current | PortSet.single(port.port, port.end_port)
        elif owner is not None:
            named = owner.named_ports(port.port, port.protocol)
            by_protocol[port.protocol] = current | PortSet.of((n, n) for n in named)
    matches = []
    for protocol, admitted in by_protocol.items():
        if admitted is None:
            matches.append(f"meta l4proto {protocol.lower()}")
        elif not admitted.is_empty:
            matches.append(f"meta l4proto {protocol.lower()} th dport {port_list(admitted)}")
    return matches


def _rule_lines(
    writer: _Writer, tag: str, policy: NetworkPolicy, direction: Direction, index: int, rule: Rule
) -> list[str]:
    _, field, _ = _HOOK[direction]
    named = [p for p in rule.ports if isinstance(p.port, str)]
    egress_named = direction == "egress" and bool(named)
    numbered = [p for p in rule.ports if not (egress_named and isinstance(p.port, str))]
    owner = writer.endpoint if direction == "ingress" else None
    ports = port_matches(numbered, owner) if numbered or not rule.ports else []
    if not rule.ports:
        ports = [""]
    lines = [f"\t\t# {policy.id} {direction}[{index}]"]
    peers: Sequence[Peer | None] = rule.peers or (None,)
    for peer_index, peer in enumerate(peers):
        set_name = f"{tag}_{direction[:2]}{index}_p{peer_index}"
        for address in writer.address_matches(peer, policy, field, set_name):
            lines += [f"\t\t{' '.join(filter(None, (address, p)))} accept" for p in ports]
        if egress_named:
            lines += [f"\t\t{m} accept" for m in writer.named_pairs(peer, policy, named, set_name)]
    return lines


def _hook_chain(direction: Direction, body: list[str]) -> str:
    """The direction's base chain: loopback, replies and neighbour discovery pass first."""
    hook, _, interface = _HOOK[direction]
    lines = [
        f"\tchain {hook} {{",
        f"\t\ttype filter hook {hook} priority filter; policy accept;",
        f'\t\t{interface} "lo" accept',
        "\t\tct state established,related accept",
        f"\t\ticmpv6 type {{ {NEIGHBOR_DISCOVERY} }} accept",
        *body,
        "\t}",
    ]
    return "\n".join(lines)


def _policy_lines(
    writer: _Writer, number: int, policy: NetworkPolicy, direction: Direction
) -> list[str]:
    lines: list[str] = []
    for index, rule in enumerate(policy.rules(direction)):
        lines += _rule_lines(writer, f"np{number}", policy, direction, index, rule)
    return lines


def _tier_body(
    writer: _Writer,
    tiers: TierWriter,
    cilium: CiliumWriter,
    direction: Direction,
    policies: Sequence[NetworkPolicy],
    chains: list[str],
) -> list[str]:
    """Admin tier, Cilium's Deny rules, then for an isolated endpoint Cilium's Allow rules and
    the NetworkPolicies (drop at the end), or else the Baseline tier."""
    isolating = [p.id for p in policies] + cilium.isolating(direction)
    admin = tiers.chain("Admin", direction)
    baseline = None if isolating else tiers.chain("Baseline", direction)
    lines: list[str] = []
    if admin:
        lines.append(f"\t\tjump {chain_name('Admin', direction)}")
        chains.append(admin)
    lines += cilium.denies(direction)
    if isolating:
        lines += cilium.allows(direction)
    for number, policy in enumerate(sorted(policies, key=lambda p: p.id)):
        lines += _policy_lines(writer, number, policy, direction)
    if isolating:
        lines += [f"\t\t# isolated for {direction} by {', '.join(isolating)}"]
        lines += ["\t\tdrop"]
    elif baseline:
        lines.append(f"\t\tjump {chain_name('Baseline', direction)}")
        chains.append(baseline)
    return lines


@dataclass(frozen=True)
class CompiledRuleset:
    """One endpoint's ruleset (``nft -f`` text, "" when nothing filters it) and the sets of
    its FQDN rules that DNS answers fill."""

    text: str
    fqdn_sets: tuple[FqdnSet, ...] = ()


def compile_endpoint(
    cluster: Cluster,
    endpoint: Endpoint,
    reading: IPBlockReading = "match",
    unknown: frozenset[IPAddress] = frozenset(),
    externals: Sequence[ExternalRange] = (),
) -> CompiledRuleset:
    """The nftables ruleset enforcing every policy that selects ``endpoint``; ipBlocks never
    match the ``unknown`` addresses (made up by the lab). Calico's and Cilium's rules are
    matched against the lab's ``externals`` too; with Calico policies the tiers run in
    Calico's order (``nft_calico``)."""
    names = frozenset(x.representative for x in externals if x.domain)
    writer = _Writer(cluster, endpoint, reading, unknown, sets=[], excluded=set(), names=names)
    tiers = TierWriter(cluster, endpoint, unknown)
    cilium = CiliumWriter(cluster, endpoint, externals)
    calico = None
    if cluster.calico.active:
        numbers = {p.id: n for n, p in enumerate(sorted(cluster.policies, key=lambda p: p.id))}
        calico = CalicoWriter(
            cluster,
            endpoint,
            unknown,
            externals,
            tiers,
            lambda policy, direction: _policy_lines(writer, numbers[policy.id], policy, direction),
        )
    chains: list[str] = []
    for direction in ("ingress", "egress"):
        policies = [
            p for p in cluster.policies if direction in p.policy_types and selects(p, endpoint)
        ]
        if calico is not None:
            body, tier_chains = calico.chains(direction, policies)
            chains += tier_chains
        else:
            body = _tier_body(writer, tiers, cilium, direction, policies, chains)
        if body:
            chains.append(_hook_chain(direction, body))
    tiers.unknown_sets()
    writer.sets += tiers.sets + cilium.sets
    if calico is not None:
        writer.sets += calico.sets
    excluded = {
        "cluster": [ip for e in cluster.endpoints for ip in e.ips],
        "unknown": unknown,
        "names": names,
    }
    for name in sorted(writer.excluded):
        for version, (_, kind) in FAMILY.items():
            elements = sorted({str(ip) for ip in excluded[name] if ip.version == version})
            writer.add_set(f"{name}_v{version}", kind, elements, interval=True)
    text = "\n".join([*writer.sets, *chains])
    ruleset = f"table inet {TABLE} {{\n{text}\n}}\n" if text else ""
    return CompiledRuleset(ruleset, (*tiers.fqdn_sets, *cilium.fqdn_sets))


def compile_ruleset(
    cluster: Cluster,
    endpoint: Endpoint,
    reading: IPBlockReading = "match",
    unknown: frozenset[IPAddress] = frozenset(),
    externals: Sequence[ExternalRange] = (),
) -> str:
    """``compile_endpoint``'s ruleset text."""
    return compile_endpoint(cluster, endpoint, reading, unknown, externals).text


def load_ruleset(namespace: str, ruleset: str) -> None:
    """Load a ruleset into a lab namespace with one ``nft -f -``."""
    if ruleset:
        netns.run_in(namespace, ["nft", "-f", "-"], ruleset)
