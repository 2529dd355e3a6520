"""Cilium objects for the stand-in cluster's tests: an FQDN egress policy, a clusterwide deny
that names a CIDR group, the group, and kube-system's cilium-config."""

from __future__ import annotations

from typing import Any

V2 = "cilium.io/v2"
DNS_RULE = {
    "toEndpoints": [
        {"matchLabels": {"k8s:io.kubernetes.pod.namespace": "kube-system", "k8s-app": "kube-dns"}}
    ],
    "toPorts": [
        {"ports": [{"port": "53", "protocol": "ANY"}], "rules": {"dns": [{"matchPattern": "*"}]}}
    ],
}


def cilium(kind: str, name: str, spec: dict[str, Any], ns: str = "") -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name, **({"namespace": ns} if ns else {})}
    return {"apiVersion": V2, "kind": kind, "metadata": meta, "spec": spec}


def fqdn_policy(ns: str = "app", name: str = "agent-fqdn") -> dict[str, Any]:
    """Agents may look names up (DNS proxy rule) and reach api.openai.com on 443."""
    egress = [
        DNS_RULE,
        {
            "toFQDNs": [{"matchName": "api.openai.com"}],
            "toPorts": [{"ports": [{"port": "443", "protocol": "TCP"}]}],
        },
    ]
    spec = {"endpointSelector": {"matchLabels": {"app": "agent"}}, "egress": egress}
    return cilium("CiliumNetworkPolicy", name, spec, ns)


def deny_metadata() -> dict[str, Any]:
    """No endpoint reaches the CIDR group ``metadata`` (the cloud metadata address)."""
    spec = {
        "endpointSelector": {},
        "egressDeny": [{"toCIDRSet": [{"cidrGroupRef": "metadata"}]}],
    }
    return cilium("CiliumClusterwideNetworkPolicy", "deny-metadata", spec)


def metadata_group() -> dict[str, Any]:
    return cilium("CiliumCIDRGroup", "metadata", {"externalCIDRs": ["169.254.169.254/32"]})


def cilium_config(**data: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "cilium-config", "namespace": "kube-system"},
        "data": data,
    }
