"""Where the cluster's DNS is: NodeLocal DNSCache addresses the egress rules allow."""

from __future__ import annotations

from netfence.model import Cluster, IPAddress
from netfence.vocabulary import DNS_PORT


def allowed_node_local_dns(cluster: Cluster) -> tuple[IPAddress, ...]:
    """Single link-local hosts that egress rules allow on port 53 (a podSelector cannot match
    a host-network cache)."""
    found = {
        peer.ip_block.cidr.network_address
        for policy in cluster.policies
        for rule in policy.egress
        if not rule.ports or any(p.port == DNS_PORT for p in rule.ports)
        for peer in rule.peers
        if peer.ip_block is not None
        and peer.ip_block.cidr.num_addresses == 1
        and peer.ip_block.cidr.network_address.is_link_local
    }
    return tuple(sorted(found, key=str))
