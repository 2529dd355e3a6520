"""Whether a Cilium rule's subject, peer or port matches one node (the per-pair definitions).

What Cilium sees of a node: a Cilium endpoint (a pod that is not host-networked, with its
identity labels), a node (a host-networked pod, or an outside range holding a Node's
address: ``host`` when it is the subject's own node, ``remote-node`` otherwise), or ``world``
(every other outside range and every ``fqdn:`` node). CIDR rules match only ``world``
(Cilium's default ``policy-cidr-match-mode``); ``toFQDNs`` match ``fqdn:`` nodes, and only
for subjects whose DNS lookups of the name Cilium's proxy sees (a ``rules.dns`` of a policy
selecting them covers the name), and the address ``--resolve`` ties such a name to.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

from netfence.engine.cilium_fqdn import covers
from netfence.engine.external import ExternalRange
from netfence.engine.peers import Node
from netfence.model import Cluster, Endpoint, Protocol
from netfence.model.cilium import (
    SERVICE_ACCOUNT_KEY,
    CiliumPeer,
    CiliumPolicy,
    CiliumPort,
    CiliumRule,
    CiliumSelector,
)

APISERVER_LABELS = (("component", "kube-apiserver"),)
"""How kubeadm labels the API server's static pods (kube-system): the kube-apiserver entity."""


def identity_labels(endpoint: Endpoint) -> dict[str, str]:
    """The pod labels a Cilium selector's pod part reads: labels plus the service account."""
    return {**endpoint.label_map, SERVICE_ACCOUNT_KEY: endpoint.service_account}


def is_cilium_endpoint(node: Node) -> bool:
    return isinstance(node, Endpoint) and not node.host_network


def selection_matches(
    selection: CiliumSelector, node: Node, namespace_labels: Mapping[str, str]
) -> bool:
    if selection.never or not isinstance(node, Endpoint) or node.host_network:
        return False
    return selection.namespaces.matches(namespace_labels) and selection.pods.matches(
        identity_labels(node)
    )


def is_apiserver(node: Node) -> bool:
    return (
        isinstance(node, Endpoint)
        and node.namespace == "kube-system"
        and all(node.label_map.get(k) == v for k, v in APISERVER_LABELS)
    )


def port_matches(entry: CiliumPort, port: int, protocol: Protocol, dst: Node) -> bool:
    """A named port matches the destination's container port of that name and protocol."""
    if entry.protocol != protocol:
        return False
    if entry.name is not None:
        return isinstance(dst, Endpoint) and port in dst.named_ports(entry.name, protocol)
    return entry.low <= port <= entry.high


def rule_ports_match(
    rule: CiliumRule, port: int, protocol: Protocol, dst: Node
) -> int | bool | None:
    """Index of the first port entry admitting the port; None when the rule lists no ports
    (all ports); False when none admits it."""
    if rule.ports is None:
        return None
    for index, entry in enumerate(rule.ports):
        if port_matches(entry, port, protocol, dst):
            return index
    return False


@dataclass
class CiliumView:
    """The cluster as Cilium's identities see it: node placement, entities, DNS visibility."""

    cluster: Cluster

    @cached_property
    def policies(self) -> tuple[CiliumPolicy, ...]:
        return self.cluster.cilium_policies

    @cached_property
    def _node_addresses(self) -> dict[object, str]:
        return {ip: node.name for node in self.cluster.nodes for ip in node.ips}

    def namespace_labels(self, node: Node) -> dict[str, str]:
        if isinstance(node, ExternalRange):
            return {}
        return self.cluster.namespace_labels(node.namespace)

    def node_of(self, node: Node) -> str | None:
        """The Kubernetes node a host-ish node is (its name, "" when unknown); None when the
        node is a Cilium endpoint or outside the cluster."""
        if isinstance(node, Endpoint):
            return node.node_name if node.host_network else None
        if node.domain:
            return None
        owners = {self._node_addresses[ip] for ip in self._node_addresses if ip in node}
        return sorted(owners)[0] if owners else None

    def is_world(self, node: Node) -> bool:
        return isinstance(node, ExternalRange) and self.node_of(node) is None

    def same_node(self, subject: Node, other: Node) -> bool:
        """Whether ``other`` is the host of the node ``subject`` runs on."""
        here = subject.node_name if isinstance(subject, Endpoint) else ""
        there = self.node_of(other)
        return bool(here) and there == here

    def entity_matches(self, entity: str, subject: Node, other: Node) -> bool:
        node = self.node_of(other)
        if entity == "all":
            return True
        if entity == "world":
            return self.is_world(other)
        if entity in ("world-ipv4", "world-ipv6"):
            wanted = 4 if entity == "world-ipv4" else 6
            return (
                self.is_world(other)
                and isinstance(other, ExternalRange)
                and (bool(other.domain) or other.version == wanted)
            )
        if entity == "cluster":
            return isinstance(other, Endpoint) or node is not None
        if entity == "host":
            return node is not None and self.same_node(subject, other)
        if entity == "remote-node":
            return node is not None and not self.same_node(subject, other)
        if entity == "kube-apiserver":
            return is_apiserver(other)
        return False  # init, health, ingress, unmanaged, none: no such node in the input

    def visible(self, subject: Node, name: str) -> bool:
        """Whether Cilium's DNS proxy sees ``subject``'s lookups of ``name`` (an ``fqdn:``
        node's name or pattern, or a name resolved to an address)."""
        labels = self.namespace_labels(subject)
        return any(
            covers(pattern, name)
            for policy in self.policies
            if selection_matches(policy.subject, subject, labels)
            for rule in policy.egress
            if rule.action == "Allow"
            for pattern in rule.dns
        )

    def peer_matches(self, peer: CiliumPeer, subject: Node, other: Node) -> bool:
        if peer.kind == "endpoints":
            assert peer.selector is not None
            return selection_matches(peer.selector, other, self.namespace_labels(other))
        if peer.kind == "entities":
            return any(self.entity_matches(e, subject, other) for e in peer.entities)
        if peer.kind == "cidrs":
            if not self.is_world(other):
                return False
            assert isinstance(other, ExternalRange)
            if other.domain:
                return any(b.cidr.prefixlen == 0 and not b.excepts for b in peer.cidrs)
            return any(b.contains(other.representative) for b in peer.cidrs)
        return isinstance(other, ExternalRange) and any(
            any(covers(pattern, name) for pattern in peer.fqdns) and self.visible(subject, name)
            for name in other.domains
        )

    def matching_peer(self, rule: CiliumRule, subject: Node, other: Node) -> int | bool | None:
        """Index of the first peer matching ``other``; None for an L4-only rule (all peers);
        False when none matches."""
        if rule.wildcard:
            return None
        for index, peer in enumerate(rule.peers):
            if self.peer_matches(peer, subject, other):
                return index
        return False

    def selecting(self, subject: Node) -> tuple[CiliumPolicy, ...]:
        labels = self.namespace_labels(subject)
        return tuple(p for p in self.policies if selection_matches(p.subject, subject, labels))


def cilium_class_keys(cluster: Cluster, nodes: tuple[Node, ...]) -> list[object]:
    """What Cilium sees of each endpoint beyond namespace, labels and ports: its service
    account, its node and whether it is host-networked (None everywhere without Cilium)."""
    if not cluster.cilium_policies:
        return [None] * len(nodes)
    return [
        (node.service_account, node.node_name, node.host_network)
        if isinstance(node, Endpoint)
        else None
        for node in nodes
    ]
