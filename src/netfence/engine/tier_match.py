"""Whether a tier policy's subject, peer or port matches one node (the per-pair definitions).

Host-networked pods are never subjects nor namespaces/pods peers (the API says so);
``networks`` peers match in-cluster pod addresses as well as outside ones; ``nodes`` peers
match the addresses of the input's Node objects; ``domainNames`` peers match ``fqdn:`` nodes.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence

from netfence.engine.calico_match import calico_cidrs
from netfence.engine.domains import covers, network_covers_domain
from netfence.engine.external import ExternalRange
from netfence.engine.peers import Node
from netfence.model import Cluster, Endpoint, IPAddress, IPNetwork, Protocol
from netfence.model.tiers import TierPeer, TierPolicy, TierPort, TierRule, TierSelector


def selection_matches(
    selection: TierSelector, node: Node, namespace_labels: Mapping[str, str]
) -> bool:
    """Pods (not host-networked) in matching namespaces with matching labels."""
    if not isinstance(node, Endpoint) or node.host_network:
        return False
    if not selection.namespaces.matches(namespace_labels):
        return False
    return selection.pods is None or selection.pods.matches(node.label_map)


def subject_selects(policy: TierPolicy, node: Node, namespace_labels: Mapping[str, str]) -> bool:
    return selection_matches(policy.subject, node, namespace_labels)


def _in_networks(node: Node, networks: Sequence[IPNetwork]) -> bool:
    if isinstance(node, ExternalRange):
        if node.domain:
            return any(network_covers_domain(n) for n in networks)
        return any(node.representative in n for n in networks)
    return any(ip in n for ip in node.ips for n in networks)


def node_addresses(cluster: Cluster, peer: TierPeer) -> frozenset[IPAddress]:
    """Addresses of the Nodes a ``nodes`` peer selects."""
    if peer.nodes is None:
        return frozenset()
    return frozenset(ip for n in cluster.nodes if peer.nodes.matches(n.label_map) for ip in n.ips)


def peer_matches(
    cluster: Cluster, peer: TierPeer, node: Node, namespace_labels: Mapping[str, str]
) -> bool:
    if peer.selector is not None:
        return selection_matches(peer.selector, node, namespace_labels)
    if peer.kind == "networks":
        return _in_networks(node, peer.networks)
    if peer.kind == "nodes":
        addresses = node_addresses(cluster, peer)
        if isinstance(node, ExternalRange):
            return not node.domain and node.representative in addresses
        return any(ip in addresses for ip in node.ips)
    return isinstance(node, ExternalRange) and any(
        covers(pattern, name) for pattern in peer.domains for name in node.domains
    )


def port_matches(port_entry: TierPort, port: int, protocol: Protocol, dst: Node) -> bool:
    """A named port matches the destination's container port of that name and protocol."""
    if port_entry.name is not None:
        return isinstance(dst, Endpoint) and port in dst.named_ports(port_entry.name, protocol)
    return port_entry.protocol == protocol and port_entry.low <= port <= port_entry.high


def rule_ports_match(rule: TierRule, port: int, protocol: Protocol, dst: Node) -> bool:
    """No ports: every port of every protocol."""
    if rule.ports is None:
        return True
    return any(port_matches(p, port, protocol, dst) for p in rule.ports)


def tier_cidrs(cluster: Cluster) -> tuple[IPNetwork, ...]:
    """CIDRs the external partition must split at: ``networks`` peers and Node addresses."""
    found: set[IPNetwork] = {
        network
        for policy in cluster.tier_policies
        for rule in policy.egress
        for peer in rule.peers
        for network in peer.networks
    }
    found |= {ipaddress.ip_network(ip) for node in cluster.nodes for ip in node.ips}
    found |= calico_cidrs(cluster)
    return tuple(sorted(found, key=lambda n: (n.version, int(n.network_address), n.prefixlen)))


def tier_class_keys(cluster: Cluster, nodes: Sequence[Node]) -> list[object]:
    """What tiers see of each node beyond namespace, labels and ports: whether it is
    host-networked, its service account (Calico), and which ``networks`` CIDRs, Calico nets
    and Node addresses hold its IPs."""
    if not cluster.tier_policies and not cluster.calico.active:
        return [None] * len(nodes)
    cidrs = tier_cidrs(cluster)
    return [
        (
            node.host_network,
            node.service_account,
            tuple(sorted({ip.version for ip in node.ips})),
            tuple(any(ip in c for ip in node.ips) for c in cidrs),
        )
        if isinstance(node, Endpoint)
        else None
        for node in nodes
    ]
