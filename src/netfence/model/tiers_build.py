"""Building tier policies and Nodes from validated documents (no I/O, no validation here)."""

from __future__ import annotations

import ipaddress
from typing import Any, cast

from netfence.load.document import Document
from netfence.model.goip import canonical_cidr
from netfence.model.selectors import selector
from netfence.model.tiers import (
    Action,
    ClusterNode,
    PeerKind,
    Tier,
    TierPeer,
    TierPolicy,
    TierPort,
    TierRule,
    TierSelector,
)
from netfence.model.types import IPAddress, IPNetwork, Protocol, freeze_labels

TIER_KINDS = ("AdminNetworkPolicy", "BaselineAdminNetworkPolicy", "ClusterNetworkPolicy")
_PEER_KINDS: tuple[PeerKind, ...] = ("namespaces", "pods", "nodes", "networks", "domainNames")


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def tier_selector(data: dict[str, Any]) -> TierSelector:
    """A ``subject`` or a namespaces/pods peer."""
    if data.get("pods") is not None:
        pods = _dict(data["pods"])
        return TierSelector(
            selector(pods.get("namespaceSelector")), selector(pods.get("podSelector"))
        )
    return TierSelector(selector(data.get("namespaces")))


def domain(name: str) -> str:
    """A domain name as it is compared: lower case, without the trailing dot."""
    return name.lower().removesuffix(".")


def tier_peer(data: dict[str, Any]) -> TierPeer:
    kind: PeerKind = next((k for k in _PEER_KINDS if data.get(k) is not None), "namespaces")
    if kind in ("namespaces", "pods"):
        return TierPeer(kind, selector=tier_selector(data))
    if kind == "nodes":
        return TierPeer(kind, nodes=selector(data["nodes"]))
    if kind == "networks":
        networks = tuple(
            ipaddress.ip_network(canonical_cidr(str(c)), strict=False)
            for c in _list(data["networks"])
        )
        return TierPeer(kind, networks=networks)
    return TierPeer(kind, domains=tuple(domain(str(d)) for d in _list(data["domainNames"])))


def _v1alpha1_port(data: dict[str, Any]) -> TierPort:
    if data.get("namedPort") is not None:
        return TierPort(name=str(data["namedPort"]))
    if data.get("portRange") is not None:
        span = _dict(data["portRange"])
        protocol = cast(Protocol, span.get("protocol") or "TCP")
        return TierPort(protocol, int(span["start"]), int(span["end"]))
    number = _dict(data.get("portNumber"))
    protocol = cast(Protocol, number.get("protocol") or "TCP")
    return TierPort(protocol, int(number["port"]), int(number["port"]))


def _v1alpha2_port(data: dict[str, Any]) -> TierPort:
    if data.get("destinationNamedPort") is not None:
        return TierPort(name=str(data["destinationNamedPort"]))
    for key, protocol in (("tcp", "TCP"), ("udp", "UDP"), ("sctp", "SCTP")):
        if data.get(key) is not None:
            port = _dict(_dict(data[key]).get("destinationPort"))
            if port.get("range") is not None:
                span = _dict(port["range"])
                return TierPort(cast(Protocol, protocol), int(span["start"]), int(span["end"]))
            return TierPort(cast(Protocol, protocol), int(port["number"]), int(port["number"]))
    raise ValueError("protocol entry without a protocol")


def _rules(doc: Document, direction: str, v1alpha2: bool) -> tuple[TierRule, ...]:
    spec = _dict(doc.data.get("spec"))
    peers_key = "from" if direction == "ingress" else "to"
    out: list[TierRule] = []
    for index, raw in enumerate(_list(spec.get(direction))):
        rule = _dict(raw)
        action = str(rule.get("action"))
        ports_key = "protocols" if v1alpha2 else "ports"
        ports: tuple[TierPort, ...] | None = None
        if rule.get(ports_key) is not None:
            parse = _v1alpha2_port if v1alpha2 else _v1alpha1_port
            ports = tuple(parse(_dict(p)) for p in _list(rule[ports_key]))
        out.append(
            TierRule(
                index=index,
                action=cast(Action, "Allow" if action == "Accept" else action),
                peers=tuple(tier_peer(_dict(p)) for p in _list(rule.get(peers_key))),
                ports=ports,
                name=str(rule.get("name") or ""),
                source=doc.source_of(("spec", direction, index)),
            )
        )
    return tuple(out)


def tier_policy(doc: Document) -> TierPolicy:
    """An ANP, BANP or CNP as a TierPolicy (a BANP has no priority: it is alone in its tier)."""
    spec = _dict(doc.data.get("spec"))
    v1alpha2 = doc.kind == "ClusterNetworkPolicy"
    tier: Tier
    if v1alpha2:
        tier = cast(Tier, spec.get("tier"))
    else:
        tier = "Admin" if doc.kind == "AdminNetworkPolicy" else "Baseline"
    priority = spec.get("priority")
    return TierPolicy(
        kind=doc.kind,
        name=doc.name,
        tier=tier,
        priority=None if doc.kind == "BaselineAdminNetworkPolicy" else int(priority or 0),
        subject=tier_selector(_dict(spec.get("subject"))),
        ingress=_rules(doc, "ingress", v1alpha2),
        egress=_rules(doc, "egress", v1alpha2),
        api_version=doc.api_version,
        source=doc.source,
    )


def cluster_node(doc: Document) -> ClusterNode:
    """A Node with the IP addresses of ``status.addresses`` (host names are left out)."""
    ips: list[IPAddress] = []
    for entry in _list(_dict(doc.data.get("status")).get("addresses")):
        try:
            ip = ipaddress.ip_address(str(_dict(entry).get("address", "")))
        except ValueError:
            continue
        if ip not in ips:
            ips.append(ip)
    spec = _dict(doc.data.get("spec"))
    pod_cidrs: list[IPNetwork] = []
    for text in _list(spec.get("podCIDRs")) or [spec.get("podCIDR")]:
        try:
            network = ipaddress.ip_network(str(text), strict=False)
        except ValueError:
            continue
        if network not in pod_cidrs:
            pod_cidrs.append(network)
    return ClusterNode(
        doc.name,
        freeze_labels(_dict(doc.metadata().get("labels"))),
        tuple(ips),
        doc.source,
        tuple(pod_cidrs),
    )
