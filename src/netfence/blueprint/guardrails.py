"""A blueprint's ``guardrails``: cluster-scoped tier policies namespace owners cannot undo.

Written as ClusterNetworkPolicy (``v1alpha2``) or AdminNetworkPolicy/BaselineAdminNetworkPolicy
(``v1alpha1``). Every guardrail agrees with the blueprint's intents (the plan's proof checks
that): Admin Deny rules first Pass the traffic the blueprint intends to the NetworkPolicies.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from netfence.blueprint.intents import Addresses, Intent, Pods, expected_flows
from netfence.blueprint.schema import Blueprint, PortRange
from netfence.model import CLOUD_METADATA_IPS, NAMESPACE_NAME_LABEL

TierDialect = Literal["v1alpha1", "v1alpha2", "calico", "none"]
GROUP = "policy.networking.k8s.io"
GUARDED_ROLES = ("model-storage", "inference")
EVERYWHERE = ("0.0.0.0/0", "::/0")
MANAGED_BY = {"app.kubernetes.io/managed-by": "netfence"}


@dataclass(frozen=True)
class GuardRule:
    """A dialect-neutral rule: action Allow/Deny/Pass, peers as written, ports (None: all)."""

    name: str
    action: Literal["Allow", "Deny", "Pass"]
    peers: tuple[dict[str, Any], ...]
    ports: tuple[PortRange, ...] | None = None


@dataclass(frozen=True)
class Guardrail:
    """One tier policy before it is written in a dialect."""

    name: str
    tier: Literal["Admin", "Baseline"]
    priority: int
    namespaces: tuple[str, ...]
    why: tuple[str, ...]
    ingress: tuple[GuardRule, ...] = ()
    egress: tuple[GuardRule, ...] = ()


def _in(namespaces: Sequence[str]) -> dict[str, Any]:
    expression = {"key": NAMESPACE_NAME_LABEL, "operator": "In", "values": sorted(namespaces)}
    return {"matchExpressions": [expression]}


def _pods(end: Pods) -> dict[str, Any]:
    return {
        "pods": {
            "namespaceSelector": {"matchLabels": {NAMESPACE_NAME_LABEL: end.namespace}},
            "podSelector": {"matchLabels": dict(end.labels)} if end.labels else {},
        }
    }


def _roles(bp: Blueprint, roles: Sequence[str]) -> tuple[str, ...]:
    return tuple(sorted(n for n in bp.isolated if bp.namespaces[n].role in roles))


def _dns(bp: Blueprint, intents: Sequence[Intent]) -> Guardrail:
    peers: list[dict[str, Any]] = [
        {
            "pods": {
                "namespaceSelector": {"matchLabels": {NAMESPACE_NAME_LABEL: bp.dns.namespace}},
                "podSelector": {"matchLabels": dict(bp.dns.selector)},
            }
        }
    ]
    if bp.dns.node_local is not None:
        prefix = 32 if bp.dns.node_local.version == 4 else 128
        peers.append({"networks": [f"{bp.dns.node_local}/{prefix}"]})
    ports = next((i.ports for i in intents if i.kind == "dns"), ())
    return Guardrail(
        "netfence-always-allow-dns",
        "Admin",
        10,
        tuple(sorted(bp.isolated)),
        (
            "Every pod of the blueprint's namespaces may always resolve names: no namespace",
            "policy can take DNS away.",
        ),
        egress=(GuardRule("dns", "Allow", tuple(peers), tuple(ports)),),
    )


def _no_internet(bp: Blueprint, intents: Sequence[Intent]) -> Guardrail | None:
    guarded = _roles(bp, GUARDED_ROLES)
    if not guarded:
        return None
    metadata = [f"{ip}/{32 if ip.version == 4 else 128}" for ip in CLOUD_METADATA_IPS]
    intended = sorted(
        {
            str(block.cidr)
            for i in intents
            if isinstance(i.source, Pods)
            and i.source.namespace in guarded
            and isinstance(i.target, Addresses)
            for block in i.target.blocks
        }
    )
    rules = [
        GuardRule("no-metadata-service", "Deny", ({"networks": metadata},)),
        GuardRule("pods-to-namespace-policies", "Pass", ({"namespaces": {}},)),
    ]
    if intended:
        rules.append(GuardRule("intended-outside", "Pass", ({"networks": intended},)))
    rules.append(GuardRule("no-internet", "Deny", ({"networks": list(EVERYWHERE)},)))
    return Guardrail(
        "netfence-no-internet",
        "Admin",
        20,
        guarded,
        (
            "Model storage and inference never reach the internet or the cloud metadata",
            "service; pod traffic and the blueprint's outside flows go on to NetworkPolicy.",
        ),
        egress=tuple(rules),
    )


def _storage_readers(bp: Blueprint, intents: Sequence[Intent]) -> Guardrail | None:
    storage = _roles(bp, ("model-storage",))
    if not storage:
        return None
    readers = sorted(
        {
            i.source
            for i in intents
            if isinstance(i.source, Pods)
            and isinstance(i.target, Pods)
            and i.target.namespace in storage
        },
        key=lambda end: (end.namespace, end.labels),
    )
    rules = [GuardRule(f"reader-{n}", "Pass", (_pods(r),)) for n, r in enumerate(readers)]
    rules.append(GuardRule("no-other-reader", "Deny", ({"namespaces": {}},)))
    return Guardrail(
        "netfence-model-storage-readers",
        "Admin",
        30,
        storage,
        (
            "Only the blueprint's readers may connect to model storage; their traffic goes on to",
            "NetworkPolicy, every other pod is denied whatever namespace policies say.",
        ),
        ingress=tuple(rules),
    )


def _baseline(bp: Blueprint) -> Guardrail:
    return Guardrail(
        "default",
        "Baseline",
        100,
        tuple(sorted(bp.isolated)),
        (
            "Default deny for pods no NetworkPolicy isolates (a namespace created tomorrow",
            "included); namespace policies override it.",
        ),
        ingress=(GuardRule("deny-all", "Deny", ({"namespaces": {}},)),),
        egress=(
            GuardRule("deny-pods", "Deny", ({"namespaces": {}},)),
            GuardRule("deny-outside", "Deny", ({"networks": list(EVERYWHERE)},)),
        ),
    )


def guardrails(bp: Blueprint) -> tuple[Guardrail, ...]:
    """The guardrails the blueprint asks for, Admin tier by priority, then the baseline."""
    wanted = bp.guardrails
    if wanted is None:
        return ()
    intents = expected_flows(bp)
    found: list[Guardrail | None] = []
    if wanted.always_allow_dns:
        found.append(_dns(bp, intents))
    if wanted.deny_internet:
        found.append(_no_internet(bp, intents))
    if wanted.protect_model_storage:
        found.append(_storage_readers(bp, intents))
    if wanted.baseline_default_deny:
        found.append(_baseline(bp))
    return tuple(g for g in found if g is not None)


def _v1alpha1_ports(ports: Sequence[PortRange]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for p in ports:
        if p.end == p.start:
            out.append({"portNumber": {"protocol": p.protocol, "port": p.start}})
        else:
            out.append({"portRange": {"protocol": p.protocol, "start": p.start, "end": p.end}})
    return out


def _v1alpha2_ports(ports: Sequence[PortRange]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for p in ports:
        match: dict[str, Any] = {"number": p.start}
        if p.end != p.start:
            match = {"range": {"start": p.start, "end": p.end}}
        out.append({p.protocol.lower(): {"destinationPort": match}})
    return out


def _rule(rule: GuardRule, direction: str, dialect: TierDialect) -> dict[str, Any]:
    action = "Accept" if dialect == "v1alpha2" and rule.action == "Allow" else rule.action
    body: dict[str, Any] = {
        "name": rule.name,
        "action": action,
        ("from" if direction == "ingress" else "to"): list(rule.peers),
    }
    if rule.ports:
        if dialect == "v1alpha2":
            body["protocols"] = _v1alpha2_ports(rule.ports)
        else:
            body["ports"] = _v1alpha1_ports(rule.ports)
    return body


def manifest(guardrail: Guardrail, dialect: TierDialect, blueprint: str) -> dict[str, Any]:
    """The guardrail as a ClusterNetworkPolicy (v1alpha2) or an ANP/BANP (v1alpha1)."""
    spec: dict[str, Any] = {}
    if dialect == "v1alpha2":
        kind = "ClusterNetworkPolicy"
        spec = {"tier": guardrail.tier, "priority": guardrail.priority}
    elif guardrail.tier == "Admin":
        kind, spec = "AdminNetworkPolicy", {"priority": guardrail.priority}
    else:
        kind = "BaselineAdminNetworkPolicy"
    name = guardrail.name
    if kind == "ClusterNetworkPolicy" and guardrail.tier == "Baseline":
        name = "netfence-baseline"
    spec["subject"] = {"namespaces": _in(guardrail.namespaces)}
    for direction in ("ingress", "egress"):
        rules = guardrail.ingress if direction == "ingress" else guardrail.egress
        if rules:
            spec[direction] = [_rule(r, direction, dialect) for r in rules]
    return {
        "apiVersion": f"{GROUP}/{dialect}",
        "kind": kind,
        "metadata": {
            "name": name,
            "labels": dict(MANAGED_BY),
            "annotations": {"netfence.dev/blueprint": blueprint},
        },
        "spec": spec,
    }
