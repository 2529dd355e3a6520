"""CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy and CiliumCIDRGroup checks.

What the cilium.io/v2 CRD schemas reject on create (the ``oneOf``/``anyOf`` of a rule, enums
of entities and protocols, the port, label-value and DNS patterns, ``format: cidr``, item
limits), worded as kube-apiserver words CRD validation errors, plus what Cilium's agent
refuses when it imports a policy (L3 selectors of different kinds combined in one rule, DNS
rules on ingress), said as such.
"""

from __future__ import annotations

import re
from typing import Any

from netfence.load.document import Path, render_path
from netfence.model.goip import parse_cidr
from netfence.validate.access import items, number, obj, present, text
from netfence.validate.errors import (
    FieldError,
    invalid,
    not_supported,
    quote,
    required,
    too_long,
)
from netfence.validate.meta import validate_object_meta
from netfence.validate.names import name_is_dns_subdomain

ENTITIES = (
    "all",
    "world",
    "world-ipv4",
    "world-ipv6",
    "cluster",
    "host",
    "init",
    "ingress",
    "unmanaged",
    "remote-node",
    "health",
    "none",
    "kube-apiserver",
)
PROTOCOLS = ("TCP", "UDP", "SCTP", "VRRP", "IGMP", "ANY")
OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist")
PORT_PATTERN = (
    r"^(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[0-9]{1,4})"
    r"|([a-zA-Z0-9]-?)*[a-zA-Z](-?[a-zA-Z0-9])*$"
)
LABEL_VALUE_PATTERN = r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$"
NAME_PATTERN = r"^([-a-zA-Z0-9_]+[.]?)+$"
WILDCARD_PATTERN = r"^([-a-zA-Z0-9_*]+[.]?)+$"
GROUP_REF_PATTERN = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
L7_KINDS = ("http", "kafka", "dns", "l7proto")
EGRESS_L3 = (
    "toEndpoints",
    "toCIDR",
    "toCIDRSet",
    "toEntities",
    "toServices",
    "toFQDNs",
    "toGroups",
    "toNodes",
)
INGRESS_L3 = ("fromEndpoints", "fromCIDR", "fromCIDRSet", "fromEntities", "fromGroups", "fromNodes")
AGENT = " (Cilium's agent refuses the policy)"


def _body(path: Path) -> str:
    return render_path(path)


def _pattern(
    path: Path, value: str, pattern: str, max_length: int | None = None
) -> list[FieldError]:
    if max_length is not None and len(value) > max_length:
        return [too_long(path, max_length)]
    if re.search(pattern, value) is None:
        return [invalid(path, value, f"{_body(path)} in body should match '{pattern}'")]
    return []


def _cidr(path: Path, value: Any) -> list[FieldError]:
    written = text(value)
    if "/" in written and parse_cidr(written) is not None:
        return []
    return [invalid(path, written, f"{_body(path)} in body must be of type cidr: {quote(written)}")]


def _one_of(path: Path, value: dict[str, Any], keys: tuple[str, ...]) -> list[FieldError]:
    """A CRD ``oneOf`` whose branches each require one of ``keys``."""
    written = [k for k in keys if k in value]
    if len(written) == 1:
        return []
    found = "Found none valid" if not written else f"Found {len(written)} valid alternatives"
    return [
        invalid(
            path,
            "object",
            f"{_body(path)} in body must validate one and only one schema (oneOf). {found}",
        )
    ]


def validate_cilium_policy(data: dict[str, Any]) -> list[FieldError]:
    """All errors of a CiliumNetworkPolicy or CiliumClusterwideNetworkPolicy."""
    namespaced = text(data.get("kind")) == "CiliumNetworkPolicy"
    errors = validate_object_meta(
        data.get("metadata"), name_is_dns_subdomain, namespaced=namespaced
    )
    rules: list[tuple[Path, Any]] = []
    if present(data.get("spec")):
        rules.append((("spec",), data["spec"]))
    rules += [(("specs", i), spec) for i, spec in enumerate(items(data.get("specs")))]
    if not rules:
        errors.append(required(("spec",), "a Cilium policy needs spec or specs"))
    for path, rule in rules:
        errors += validate_rule(obj(rule), path)
    return errors


def validate_rule(spec: dict[str, Any], path: Path) -> list[FieldError]:
    errors = _one_of(path, spec, ("endpointSelector", "nodeSelector"))
    sections = ("ingress", "ingressDeny", "egress", "egressDeny")
    if not any(key in spec for key in sections):
        errors.append(
            invalid(
                path, "object", f"{_body(path)} in body must validate at least one schema (anyOf)"
            )
        )
    for key in ("endpointSelector", "nodeSelector"):
        if present(spec.get(key)):
            errors += validate_selector(spec[key], (*path, key))
    for key in sections:
        ingress = key.startswith("ingress")
        for index, rule in enumerate(items(spec.get(key))):
            rule_path = (*path, key, index)
            if ingress:
                errors += validate_ingress(obj(rule), rule_path)
            else:
                errors += validate_egress(obj(rule), rule_path)
    return errors


def validate_selector(selector: Any, path: Path) -> list[FieldError]:
    """An EndpointSelector: label values by the CRD's pattern, operators by its enum."""
    selector = obj(selector)
    errors: list[FieldError] = []
    for key, value in obj(selector.get("matchLabels")).items():
        errors += _pattern((*path, "matchLabels", str(key)), text(value), LABEL_VALUE_PATTERN, 63)
    for index, requirement in enumerate(items(selector.get("matchExpressions"))):
        requirement = obj(requirement)
        req_path = (*path, "matchExpressions", index)
        if not present(requirement.get("key")):
            errors.append(required((*req_path, "key")))
        if not present(requirement.get("operator")):
            errors.append(required((*req_path, "operator")))
        elif text(requirement["operator"]) not in OPERATORS:
            errors.append(
                not_supported((*req_path, "operator"), requirement["operator"], OPERATORS)
            )
    return errors


def _selectors(rule: dict[str, Any], key: str, path: Path) -> list[FieldError]:
    errors: list[FieldError] = []
    for index, selector in enumerate(items(rule.get(key))):
        errors += validate_selector(selector, (*path, key, index))
    return errors


def _entities(rule: dict[str, Any], key: str, path: Path) -> list[FieldError]:
    return [
        not_supported((*path, key, index), entity, ENTITIES)
        for index, entity in enumerate(items(rule.get(key)))
        if text(entity) not in ENTITIES
    ]


def _cidrs(rule: dict[str, Any], prefix: str, path: Path) -> list[FieldError]:
    errors: list[FieldError] = []
    for index, cidr in enumerate(items(rule.get(f"{prefix}CIDR"))):
        errors += _cidr((*path, f"{prefix}CIDR", index), cidr)
    for index, entry in enumerate(items(rule.get(f"{prefix}CIDRSet"))):
        entry_path = (*path, f"{prefix}CIDRSet", index)
        entry = obj(entry)
        errors += _one_of(entry_path, entry, ("cidr", "cidrGroupRef", "cidrGroupSelector"))
        if present(entry.get("cidr")):
            errors += _cidr((*entry_path, "cidr"), entry["cidr"])
        if present(entry.get("cidrGroupRef")):
            errors += _pattern(
                (*entry_path, "cidrGroupRef"), text(entry["cidrGroupRef"]), GROUP_REF_PATTERN, 253
            )
        if present(entry.get("cidrGroupSelector")):
            errors += validate_selector(
                entry["cidrGroupSelector"], (*entry_path, "cidrGroupSelector")
            )
        for n, cidr in enumerate(items(entry.get("except"))):
            errors += _cidr((*entry_path, "except", n), cidr)
    return errors


def _names(entries: Any, path: Path) -> list[FieldError]:
    """``toFQDNs`` or ``rules.dns``: one of matchName and matchPattern, each by its pattern."""
    errors: list[FieldError] = []
    for index, entry in enumerate(items(entries)):
        entry = obj(entry)
        entry_path = (*path, index)
        errors += _one_of(entry_path, entry, ("matchName", "matchPattern"))
        if present(entry.get("matchName")):
            errors += _pattern(
                (*entry_path, "matchName"), text(entry["matchName"]), NAME_PATTERN, 255
            )
        if present(entry.get("matchPattern")):
            errors += _pattern(
                (*entry_path, "matchPattern"), text(entry["matchPattern"]), WILDCARD_PATTERN, 255
            )
    return errors


def _ports(rule: dict[str, Any], path: Path, ingress: bool) -> list[FieldError]:
    errors: list[FieldError] = []
    for index, entry in enumerate(items(rule.get("toPorts"))):
        entry = obj(entry)
        entry_path = (*path, "toPorts", index)
        ports = items(entry.get("ports"))
        if len(ports) > 40:
            errors.append(
                FieldError(
                    (*entry_path, "ports"), f"Too many: {len(ports)}: must have at most 40 items"
                )
            )
        for n, port in enumerate(ports):
            errors += validate_port(obj(port), (*entry_path, "ports", n))
        if present(entry.get("rules")):
            rules = obj(entry["rules"])
            rules_path = (*entry_path, "rules")
            kinds = tuple(k for k in L7_KINDS if present(rules.get(k)))
            if len(kinds) > 1:
                errors += _one_of(rules_path, rules, kinds)
            errors += _names(rules.get("dns"), (*rules_path, "dns"))
            if ingress and present(rules.get("dns")):
                errors.append(
                    invalid(
                        (*rules_path, "dns"),
                        "object",
                        "DNS rules are not allowed on ingress" + AGENT,
                    )
                )
    return errors


def validate_port(port: dict[str, Any], path: Path) -> list[FieldError]:
    errors: list[FieldError] = []
    if present(port.get("port")):
        written = text(port["port"])
        errors += _pattern((*path, "port"), written, PORT_PATTERN)
        if not errors and written.isdigit() and int(written) > 65535:
            # The CRD's pattern lets this through (its anchors bind to one alternative each).
            errors.append(invalid((*path, "port"), written, "port must be at most 65535" + AGENT))
    if present(port.get("endPort")):
        end = number(port["endPort"])
        if end < 0 or end > 65535:
            bound = "greater than or equal to 0" if end < 0 else "less than or equal to 65535"
            errors.append(
                invalid(
                    (*path, "endPort"),
                    end,
                    f"{_body((*path, 'endPort'))} in body should be {bound}",
                )
            )
    if present(port.get("protocol")) and text(port["protocol"]) not in PROTOCOLS:
        errors.append(not_supported((*path, "protocol"), port["protocol"], PROTOCOLS))
    return errors


def _l3_kind(member: str) -> str:
    return member.removesuffix("Set") if "CIDR" in member else member


def _combined(rule: dict[str, Any], path: Path, members: tuple[str, ...]) -> list[FieldError]:
    """Cilium's agent refuses a rule with L3 selectors of two kinds (a CIDR list and a CIDR
    set are one kind)."""
    written = [m for m in members if items(rule.get(m))]
    if len({_l3_kind(m) for m in written}) < 2:
        return []
    first = written[0]
    second = next(m for m in written if _l3_kind(m) != _l3_kind(first))
    return [invalid(path, "object", f"combining {first} and {second} is not supported yet" + AGENT)]


def validate_ingress(rule: dict[str, Any], path: Path) -> list[FieldError]:
    errors = _selectors(rule, "fromEndpoints", path)
    errors += _selectors(rule, "fromRequires", path)
    errors += _selectors(rule, "fromNodes", path)
    errors += _entities(rule, "fromEntities", path)
    errors += _cidrs(rule, "from", path)
    errors += _ports(rule, path, ingress=True)
    errors += _combined(rule, path, INGRESS_L3)
    return errors


def validate_egress(rule: dict[str, Any], path: Path) -> list[FieldError]:
    errors = _selectors(rule, "toEndpoints", path)
    errors += _selectors(rule, "toRequires", path)
    errors += _selectors(rule, "toNodes", path)
    errors += _entities(rule, "toEntities", path)
    errors += _cidrs(rule, "to", path)
    errors += _names(rule.get("toFQDNs"), (*path, "toFQDNs"))
    for index, service in enumerate(items(rule.get("toServices"))):
        service = obj(service)
        service_path = (*path, "toServices", index)
        selector = obj(service.get("k8sServiceSelector"))
        if present(service.get("k8sServiceSelector")):
            if not present(selector.get("selector")):
                errors.append(required((*service_path, "k8sServiceSelector", "selector")))
            else:
                errors += validate_selector(
                    selector["selector"], (*service_path, "k8sServiceSelector", "selector")
                )
    errors += _ports(rule, path, ingress=False)
    errors += _combined(rule, path, EGRESS_L3)
    return errors


def validate_cidr_group(data: dict[str, Any]) -> list[FieldError]:
    """A CiliumCIDRGroup: metadata, and every external CIDR a CIDR."""
    errors = validate_object_meta(data.get("metadata"), name_is_dns_subdomain, namespaced=False)
    spec = obj(data.get("spec"))
    if not present(data.get("spec")):
        return [*errors, required(("spec",))]
    if not present(spec.get("externalCIDRs")):
        errors.append(required(("spec", "externalCIDRs")))
    for index, cidr in enumerate(items(spec.get("externalCIDRs"))):
        errors += _cidr(("spec", "externalCIDRs", index), cidr)
    return errors
