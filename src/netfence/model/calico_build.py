"""Building the Calico model from validated documents (no I/O, no validation here)."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Any, cast

from netfence.load.document import Document, Path
from netfence.model.calico import (
    DEFAULT_TIER,
    DEFAULT_TIER_ORDER,
    KUBE_TIER_PLACES,
    CalicoAction,
    CalicoPolicies,
    CalicoPolicy,
    CalicoPort,
    CalicoRule,
    CalicoTier,
    DefaultAction,
    EntityRule,
    NetworkSet,
)
from netfence.model.calico_selector import Expr, parse
from netfence.model.goip import canonical_cidr
from netfence.model.types import Direction, IPNetwork, freeze_labels

BUILT_IN_TIERS = {
    place.tier: CalicoTier(place.tier, place.tier_order, "Pass")
    for place in KUBE_TIER_PLACES.values()
}
"""Tiers every Calico cluster has (created at install) for the SIG Network kinds."""
PROTOCOL_NUMBERS = {"6": "TCP", "17": "UDP", "132": "SCTP", "1": "ICMP", "58": "ICMPV6"}
HOST_ONLY_FIELDS = ("doNotTrack", "preDNAT", "applyOnForward")


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def protocol_name(value: object) -> str | None:
    """``TCP``/``UDP``/``SCTP``/``ICMP``/``ICMPV6``/``UDPLITE`` or a number as text."""
    if value is None:
        return None
    text = str(value).upper()
    return PROTOCOL_NUMBERS.get(text, text)


def calico_port(value: object) -> CalicoPort:
    """``80``, ``"6040:6050"`` or ``"named-port"``."""
    if isinstance(value, int):
        return CalicoPort(value, value)
    text = str(value)
    low, colon, high = text.partition(":")
    if colon and low.strip().isdigit() and high.strip().isdigit():
        return CalicoPort(int(low), int(high))
    if text.strip().isdigit():
        return CalicoPort(int(text), int(text))
    return CalicoPort(name=text)


def networks(values: Iterable[object]) -> tuple[IPNetwork, ...]:
    """CIDRs (or bare addresses) as networks, host bits cleared as the data plane does."""
    return tuple(
        ipaddress.ip_network(canonical_cidr(str(v)), strict=False) for v in values if v != ""
    )


def _expr(value: object) -> Expr | None:
    return None if value in (None, "") else parse(str(value))


def entity_rule(data: dict[str, Any]) -> EntityRule:
    accounts = _dict(data.get("serviceAccounts"))
    return EntityRule(
        selector=_expr(data.get("selector")),
        not_selector=_expr(data.get("notSelector")),
        namespace_selector=_expr(data.get("namespaceSelector")),
        nets=networks(_list(data.get("nets"))),
        not_nets=networks(_list(data.get("notNets"))),
        ports=tuple(calico_port(p) for p in _list(data.get("ports"))),
        not_ports=tuple(calico_port(p) for p in _list(data.get("notPorts"))),
        service_account_names=tuple(str(n) for n in _list(accounts.get("names"))),
        service_account_selector=_expr(accounts.get("selector")),
        services=data.get("services") is not None,
    )


def _rules(doc: Document, direction: Direction) -> tuple[CalicoRule, ...]:
    spec = _dict(doc.data.get("spec"))
    out: list[CalicoRule] = []
    for index, raw in enumerate(_list(spec.get(direction))):
        rule = _dict(raw)
        version = rule.get("ipVersion")
        path: Path = ("spec", direction, index)
        out.append(
            CalicoRule(
                index=index,
                action=cast(CalicoAction, rule.get("action")),
                protocol=protocol_name(rule.get("protocol")),
                not_protocol=protocol_name(rule.get("notProtocol")),
                ip_version=None if version is None else int(version),
                source=entity_rule(_dict(rule.get("source"))),
                destination=entity_rule(_dict(rule.get("destination"))),
                has_icmp=rule.get("icmp") is not None or rule.get("notICMP") is not None,
                has_http=rule.get("http") is not None,
                origin=doc.source_of(path),
            )
        )
    return tuple(out)


def default_types(spec: dict[str, Any]) -> frozenset[Direction]:
    """Calico's defaulting: Egress alone when only egress rules exist, both when both do,
    otherwise Ingress."""
    declared = [str(t).lower() for t in _list(spec.get("types"))]
    if declared:
        return frozenset(cast(Direction, t) for t in declared)
    ingress, egress = bool(_list(spec.get("ingress"))), bool(_list(spec.get("egress")))
    if egress and not ingress:
        return frozenset({"egress"})
    if egress:
        return frozenset({"ingress", "egress"})
    return frozenset({"ingress"})


def calico_policy(doc: Document) -> CalicoPolicy:
    spec = _dict(doc.data.get("spec"))
    order = spec.get("order")
    is_global = doc.kind == "GlobalNetworkPolicy"
    return CalicoPolicy(
        kind=doc.kind,
        name=doc.name,
        namespace="" if is_global else doc.namespace or "default",
        tier=str(spec.get("tier") or DEFAULT_TIER),
        order=None if order is None else float(order),
        selector=parse(str(spec.get("selector") or "")),
        types=default_types(spec),
        ingress=_rules(doc, "ingress"),
        egress=_rules(doc, "egress"),
        namespace_selector=_expr(spec.get("namespaceSelector")) if is_global else None,
        service_account_selector=_expr(spec.get("serviceAccountSelector")),
        host_only=tuple(f for f in HOST_ONLY_FIELDS if spec.get(f) is True),
        api_version=doc.api_version,
        source=doc.source,
    )


def calico_tier(doc: Document) -> CalicoTier:
    spec = _dict(doc.data.get("spec"))
    order = spec.get("order")
    return CalicoTier(
        doc.name,
        None if order is None else float(order),
        cast(DefaultAction, spec.get("defaultAction") or "Deny"),
        source=doc.source,
    )


def network_set(doc: Document) -> NetworkSet:
    spec = _dict(doc.data.get("spec"))
    return NetworkSet(
        doc.name,
        doc.namespace or "default" if doc.kind == "NetworkSet" else "",
        freeze_labels(_dict(doc.metadata().get("labels"))),
        networks(_list(spec.get("nets"))),
        doc.source,
    )


def calico_policies(documents: Iterable[Document]) -> CalicoPolicies:
    """The Calico model of the Calico documents; the default tier always exists, and tiers
    that policies name without a Tier object are kept as undeclared (order nil), except the
    tiers Calico creates for the SIG Network kinds (their orders are fixed)."""
    tiers: dict[str, CalicoTier] = {DEFAULT_TIER: CalicoTier(DEFAULT_TIER, DEFAULT_TIER_ORDER)}
    policies: list[CalicoPolicy] = []
    sets: list[NetworkSet] = []
    for doc in documents:
        if doc.kind == "Tier":
            tiers[doc.name] = calico_tier(doc)
        elif doc.kind in ("NetworkSet", "GlobalNetworkSet"):
            sets.append(network_set(doc))
        else:
            policies.append(calico_policy(doc))
    for policy in policies:
        if policy.tier not in tiers:
            tiers[policy.tier] = BUILT_IN_TIERS.get(
                policy.tier, CalicoTier(policy.tier, None, declared=False)
            )
    return CalicoPolicies(tuple(tiers.values()), tuple(policies), tuple(sets))
