"""Whether a rule's peer matches an endpoint or an external range."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from netfence.engine.domains import block_covers_domain
from netfence.engine.external import ExternalRange
from netfence.model import Endpoint, Peer, Rule
from netfence.vocabulary import IPBlockReading

Node = Endpoint | ExternalRange


def peer_matches(
    peer: Peer,
    policy_namespace: str,
    node: Node,
    namespace_labels: Mapping[str, str],
    reading: IPBlockReading,
) -> bool:
    """Kubernetes peer semantics; ``reading`` says whether ipBlocks match pod IPs."""
    if peer.ip_block is not None:
        if isinstance(node, ExternalRange):
            if node.domain:
                return block_covers_domain(peer.ip_block)
            return peer.ip_block.contains(node.representative)
        return reading == "match" and any(peer.ip_block.contains(ip) for ip in node.ips)
    if isinstance(node, ExternalRange):
        return False
    if peer.pod_selector is None and peer.namespace_selector is None:
        return False
    if peer.namespace_selector is None:
        in_namespace = node.namespace == policy_namespace
    else:
        in_namespace = peer.namespace_selector.matches(namespace_labels)
    return in_namespace and (peer.pod_selector is None or peer.pod_selector.matches(node.label_map))


def matching_peer(
    rule: Rule,
    policy_namespace: str,
    node: Node,
    namespace_labels: Mapping[str, str],
    reading: IPBlockReading,
) -> int | Literal[False] | None:
    """Index of the first peer matching ``node``; None when the rule has no peers (all match);
    False when no peer matches."""
    if not rule.peers:
        return None
    for index, peer in enumerate(rule.peers):
        if peer_matches(peer, policy_namespace, node, namespace_labels, reading):
            return index
    return False


def _labels(labels: Mapping[str, str]) -> str:
    return ",".join(f"{k}={v}" for k, v in sorted(labels.items())) or "none"


def peer_miss(
    peer: Peer,
    policy_namespace: str,
    node: Node,
    namespace_labels: Mapping[str, str],
    reading: IPBlockReading,
) -> str:
    """Why ``peer`` does not match ``node`` (call only when it does not)."""
    if peer.ip_block is not None:
        if isinstance(node, ExternalRange):
            return f"ipBlock {peer.ip_block} does not contain {node.name}"
        if not node.ips:
            return f"ipBlock {peer.ip_block} cannot match {node.id}: it has no IP"
        if reading == "ignore":
            return f"ipBlock {peer.ip_block} is not applied to pod IPs (--ipblock-pods=ignore)"
        if node.placed_in:
            where = f"no IP: an address in {node.placed_in} of the pod CIDR"
        else:
            where = ", ".join(str(ip) for ip in node.ips)
        return f"ipBlock {peer.ip_block} does not contain {node.id} ({where})"
    if isinstance(node, ExternalRange):
        return "pod and namespace selectors match only in-cluster pods"
    if peer.namespace_selector is None and node.namespace != policy_namespace:
        return f"a podSelector alone selects pods of {policy_namespace} only"
    if peer.namespace_selector is not None and not peer.namespace_selector.matches(
        namespace_labels
    ):
        return (
            f"namespaceSelector {peer.namespace_selector} does not match namespace "
            f"{node.namespace} (labels: {_labels(namespace_labels)})"
        )
    labels = _labels(node.label_map)
    return f"podSelector {peer.pod_selector} does not match {node.id} (labels: {labels})"
