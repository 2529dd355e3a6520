"""A blueprint's guardrails written for Calico: two Tiers of GlobalNetworkPolicies.

The Admin guardrails go to tier ``netfence`` (order 100: before Calico's ``adminnetworkpolicy``
tier at 1000 and the ``default`` tier, where Kubernetes NetworkPolicies sit, at 1,000,000); the
Baseline guardrail to tier ``netfence-baseline`` (order 5,000,000: after the default tier, so it
only sees endpoints no NetworkPolicy isolates, before ``baselineadminnetworkpolicy`` at
10,000,000). Both tiers have ``defaultAction: Pass`` (Calico 3.30+): like the SIG Network tiers,
traffic no guardrail rule matches goes on to the next tier instead of being denied at the end
of the tier. Policy names carry their tier's prefix (``netfence.<name>``), as Calico requires
outside the default tier. One Calico rule holds one protocol, one peer (a rule's selector and
nets are ANDed) and nets of one IP family, so a guardrail rule becomes one Calico rule per peer,
family and protocol.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from netfence.blueprint.guardrails import Guardrail, GuardRule
from netfence.blueprint.schema import PortRange
from netfence.vocabulary import BLUEPRINT_ANNOTATION, MANAGED_BY, NAMESPACE_NAME_LABEL

API_VERSION = "projectcalico.org/v3"
ADMIN_TIER = ("netfence", 100)
BASELINE_TIER = ("netfence-baseline", 5_000_000)
CALICO_NAME_LABEL = "projectcalico.org/name"


def _quoted(value: str) -> str:
    return "'" + value + "'"


def _labels_selector(labels: dict[str, str]) -> str:
    return " && ".join(f"{k} == {_quoted(v)}" for k, v in sorted(labels.items())) or "all()"


def _names(names: Sequence[str]) -> str:
    if len(names) == 1:
        return f"{CALICO_NAME_LABEL} == {_quoted(names[0])}"
    return f"{CALICO_NAME_LABEL} in {{{', '.join(map(_quoted, sorted(names)))}}}"


def _namespace_selector(selector: dict[str, Any]) -> str:
    """A guardrail's namespace selector (``{}``, or by name) in Calico's selector language, on
    the name label Calico gives every namespace."""
    labels = dict(selector.get("matchLabels") or {})
    names = [str(labels.pop(NAMESPACE_NAME_LABEL))] if NAMESPACE_NAME_LABEL in labels else []
    for expression in selector.get("matchExpressions") or ():
        if (expression["key"], expression["operator"]) != (NAMESPACE_NAME_LABEL, "In"):
            raise ValueError(f"guardrails select namespaces by name, not {expression}")
        names += [str(v) for v in expression["values"]]
    parts = [_labels_selector(labels)] if labels else []
    return " && ".join([*parts, _names(names)] if names else parts) or "all()"


def _entities(peer: dict[str, Any]) -> list[dict[str, Any]]:
    """A guardrail peer (``pods``, ``namespaces`` or ``networks``) as Calico entity rules: one
    per IP family for networks, since a Calico rule's nets are of one family."""
    if "networks" in peer:
        families = [[n for n in peer["networks"] if (":" in n) == v6] for v6 in (False, True)]
        return [{"nets": nets} for nets in families if nets]
    if "namespaces" in peer:
        return [{"namespaceSelector": _namespace_selector(peer["namespaces"])}]
    pods = peer["pods"]
    labels = dict(pods["podSelector"].get("matchLabels") or {})
    return [
        {
            "namespaceSelector": _namespace_selector(pods["namespaceSelector"]),
            "selector": _labels_selector(labels),
        }
    ]


def _port(port: PortRange) -> int | str:
    return port.start if port.end == port.start else f"{port.start}:{port.end}"


def _rules(rule: GuardRule, direction: str) -> list[dict[str, Any]]:
    by_protocol: dict[str | None, list[int | str]] = {}
    for port in rule.ports or ():
        by_protocol.setdefault(port.protocol, []).append(_port(port))
    if not by_protocol:
        by_protocol[None] = []
    out: list[dict[str, Any]] = []
    entities = [entity for peer in rule.peers for entity in _entities(peer)]
    for entity in entities:
        for protocol, ports in by_protocol.items():
            destination = entity if direction == "egress" else {}
            if ports:
                destination = {**destination, "ports": ports}
            body: dict[str, Any] = {"action": rule.action}
            if protocol is not None:
                body["protocol"] = protocol
            if direction == "ingress":
                body["source"] = entity
            if destination:
                body["destination"] = destination
            out.append(body)
    return out


def _tier(name: str, order: int, blueprint: str) -> dict[str, Any]:
    return {
        "apiVersion": API_VERSION,
        "kind": "Tier",
        "metadata": _metadata(name, blueprint),
        "spec": {"order": order, "defaultAction": "Pass"},
    }


def _metadata(name: str, blueprint: str) -> dict[str, Any]:
    return {
        "name": name,
        "labels": dict(MANAGED_BY),
        "annotations": {BLUEPRINT_ANNOTATION: blueprint},
    }


def _policy(guardrail: Guardrail, blueprint: str) -> dict[str, Any]:
    tier = ADMIN_TIER[0] if guardrail.tier == "Admin" else BASELINE_TIER[0]
    spec: dict[str, Any] = {
        "tier": tier,
        "order": guardrail.priority,
        "namespaceSelector": _names(guardrail.namespaces),
        "selector": "all()",
        "types": [],
    }
    for direction, rules in (("ingress", guardrail.ingress), ("egress", guardrail.egress)):
        if rules:
            spec["types"].append(direction.capitalize())
            spec[direction] = [body for rule in rules for body in _rules(rule, direction)]
    return {
        "apiVersion": API_VERSION,
        "kind": "GlobalNetworkPolicy",
        "metadata": _metadata(f"{tier}.{guardrail.name.removeprefix('netfence-')}", blueprint),
        "spec": spec,
    }


TIER_WHY = {
    ADMIN_TIER[0]: (
        "Tier for the blueprint's Admin guardrails, before every other tier: what they do not",
        "decide passes on (defaultAction Pass) to the namespace policies.",
    ),
    BASELINE_TIER[0]: (
        "Tier for the blueprint's Baseline guardrail, after the default tier, where Kubernetes",
        "NetworkPolicies sit: it only sees endpoints no NetworkPolicy isolates.",
    ),
}


def calico_manifests(
    found: Sequence[Guardrail], blueprint: str
) -> list[tuple[dict[str, Any], tuple[str, ...]]]:
    """(manifest, why): the Tiers the guardrails need, then one GlobalNetworkPolicy each."""
    tiers = [ADMIN_TIER] if any(g.tier == "Admin" for g in found) else []
    tiers += [BASELINE_TIER] if any(g.tier == "Baseline" for g in found) else []
    return [
        *((_tier(name, order, blueprint), TIER_WHY[name]) for name, order in tiers),
        *((_policy(g, blueprint), g.why) for g in found),
    ]
