"""Model objects back to manifests (for tools that read YAML, like the peer analyzer)."""

from __future__ import annotations

import json
from typing import Any

from netfence.model import Cluster, LabelSelector, NetworkPolicy, Peer, PolicyPort, Rule


def selector_manifest(selector: LabelSelector) -> dict[str, Any]:
    manifest: dict[str, Any] = {}
    if selector.match_labels:
        manifest["matchLabels"] = dict(selector.match_labels)
    if selector.match_expressions:
        manifest["matchExpressions"] = [
            {
                "key": r.key,
                "operator": r.operator,
                **({"values": sorted(r.values)} if r.values else {}),
            }
            for r in selector.match_expressions
        ]
    return manifest


def peer_manifest(peer: Peer) -> dict[str, Any]:
    if peer.ip_block is not None:
        block: dict[str, Any] = {"cidr": str(peer.ip_block.cidr)}
        if peer.ip_block.excepts:
            block["except"] = [str(e) for e in peer.ip_block.excepts]
        return {"ipBlock": block}
    manifest: dict[str, Any] = {}
    if peer.pod_selector is not None:
        manifest["podSelector"] = selector_manifest(peer.pod_selector)
    if peer.namespace_selector is not None:
        manifest["namespaceSelector"] = selector_manifest(peer.namespace_selector)
    return manifest


def port_manifest(port: PolicyPort) -> dict[str, Any]:
    manifest: dict[str, Any] = {"protocol": port.protocol}
    if port.port is not None:
        manifest["port"] = port.port
    if port.end_port is not None:
        manifest["endPort"] = port.end_port
    return manifest


def rule_manifest(rule: Rule, peers_key: str) -> dict[str, Any]:
    manifest: dict[str, Any] = {}
    if rule.peers:
        manifest[peers_key] = [peer_manifest(p) for p in rule.peers]
    if rule.ports:
        manifest["ports"] = [port_manifest(p) for p in rule.ports]
    return manifest


def policy_manifest(policy: NetworkPolicy) -> dict[str, Any]:
    """Rules of a direction the policy does not isolate are left out (they never apply)."""
    spec: dict[str, Any] = {"podSelector": selector_manifest(policy.pod_selector)}
    spec["policyTypes"] = [
        t.capitalize() for t in ("ingress", "egress") if t in policy.policy_types
    ]
    if "ingress" in policy.policy_types:
        spec["ingress"] = [rule_manifest(r, "from") for r in policy.ingress]
    if "egress" in policy.policy_types:
        spec["egress"] = [rule_manifest(r, "to") for r in policy.egress]
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": policy.name, "namespace": policy.namespace},
        "spec": spec,
    }


def cluster_manifests(cluster: Cluster) -> list[dict[str, Any]]:
    """Namespaces, pods and policies of ``cluster`` as manifests."""
    manifests: list[dict[str, Any]] = [
        {
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": {"name": n.name, "labels": dict(n.labels)},
        }
        for n in cluster.namespaces
    ]
    for endpoint in cluster.endpoints:
        ports = [
            {
                "containerPort": p.port,
                "protocol": p.protocol,
                **({"name": p.name} if p.name else {}),
            }
            for p in endpoint.ports
        ]
        pod: dict[str, Any] = {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {
                "name": endpoint.name,
                "namespace": endpoint.namespace,
                "labels": dict(endpoint.labels),
            },
            "spec": {"containers": [{"name": "main", "image": "example/app", "ports": ports}]},
        }
        if endpoint.ips:
            pod["status"] = {
                "podIP": str(endpoint.ips[0]),
                "podIPs": [{"ip": str(ip)} for ip in endpoint.ips],
            }
        manifests.append(pod)
    manifests += [policy_manifest(p) for p in cluster.policies]
    return manifests


def manifests_text(manifests: list[dict[str, Any]]) -> str:
    """Multi-document YAML made of JSON documents (no YAML 1.1 surprises like ``y``)."""
    return "---\n".join(json.dumps(m) + "\n" for m in manifests)
