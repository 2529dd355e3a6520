"""Concrete YAML for fix hints: the policy or rule that would fix a finding."""

from __future__ import annotations

from collections.abc import Iterable

from netfence.model import NAMESPACE_NAME_LABEL, Direction, Endpoint, IPAddress, Protocol

PortKey = tuple[int, Protocol]


def _flow(labels: Iterable[tuple[str, str]]) -> str:
    return "{" + ", ".join(f"{k}: {v}" for k, v in labels) + "}"


def peer(endpoint: Endpoint) -> str:
    """A peer selecting ``endpoint``'s pods in its namespace."""
    namespace = _flow([(NAMESPACE_NAME_LABEL, endpoint.namespace)])
    pods = _flow(endpoint.labels)
    return (
        f"- namespaceSelector: {{matchLabels: {namespace}}}\n  podSelector: {{matchLabels: {pods}}}"
    )


def ports(keys: Iterable[PortKey]) -> str:
    return "[" + ", ".join(f"{{port: {p}, protocol: {proto}}}" for p, proto in sorted(keys)) + "]"


def rule(direction: Direction, other: Endpoint, keys: Iterable[PortKey]) -> str:
    """An ingress rule admitting ``other`` (or an egress rule towards it) on ``keys``."""
    peers_key = "from" if direction == "ingress" else "to"
    body = peer(other).replace("\n", "\n    ")
    return f"{direction}:\n- {peers_key}:\n    {body}\n  ports: {ports(keys)}\n"


def deny_all(namespace: str) -> str:
    return (
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
        f"metadata: {{name: deny-all, namespace: {namespace}}}\n"
        "spec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n"
    )


def allow_dns(namespace: str, dns_ips: tuple[IPAddress, ...]) -> str:
    """allow-dns for a namespace: kube-dns pods, or the NodeLocal DNSCache addresses."""
    if dns_ips:
        peers = "".join(f"    - ipBlock: {{cidr: {ip}/{ip.max_prefixlen}}}\n" for ip in dns_ips)
    else:
        peers = (
            f"    - namespaceSelector: {{matchLabels: {{{NAMESPACE_NAME_LABEL}: kube-system}}}}\n"
            "      podSelector: {matchLabels: {k8s-app: kube-dns}}\n"
        )
    return (
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
        f"metadata: {{name: allow-dns, namespace: {namespace}}}\n"
        "spec:\n  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n  - to:\n"
        f"{peers}    ports: [{{port: 53, protocol: UDP}}, {{port: 53, protocol: TCP}}]\n"
    )
