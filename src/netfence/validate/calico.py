"""Calico's checks on create: NetworkPolicy, GlobalNetworkPolicy, NetworkSet,
GlobalNetworkSet and Tier (projectcalico.org/v3, and crd.projectcalico.org/v1 as stored).

Worded after libcalico-go's v3 validator (names, selectors, CIDRs, ports that need a
protocol with ports, the host-endpoint-only flags, the fixed orders of the built-in tiers)
and the CRDs' schemas (types, enums, item counts).
"""

from __future__ import annotations

import re
from typing import Any

from netfence.load.calico_kinds import SERVED_VERSIONS
from netfence.load.document import Path
from netfence.model.calico_build import calico_port, protocol_name
from netfence.model.calico_selector import parse, selector_error
from netfence.model.goip import parse_cidr
from netfence.validate.access import items, obj, text
from netfence.validate.calico_schema import CALICO_SCHEMAS
from netfence.validate.decode import decode, describe, unknown_field_message
from netfence.validate.errors import FieldError, invalid, not_supported, quote, required
from netfence.validate.meta import validate_object_meta

_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_SUBDOMAIN = f"{_LABEL}(\\.{_LABEL})*"
_NAMES = {
    "NetworkPolicy": f"^(({_LABEL})(\\.{_LABEL})?|((?:knp|ossg)\\.default\\.({_SUBDOMAIN})))$",
    "GlobalNetworkPolicy": f"^({_LABEL}\\.)?{_LABEL}$",
    "Tier": f"^{_LABEL}$",
    "NetworkSet": f"^{_SUBDOMAIN}$",
    "GlobalNetworkSet": f"^{_SUBDOMAIN}$",
}
_NAME_MESSAGES = {
    "Tier": f"name must consist of lower case alphanumeric characters or '-' (regex: {_LABEL})",
    "NetworkSet": (
        f"name must consist of lower case alphanumeric characters, '-' or '.' (regex: {_SUBDOMAIN})"
    ),
}
_POLICY_NAME_MESSAGE = (
    f"name must consist of lower case alphanumeric characters or '-' (regex: {_LABEL})"
)
FIXED_TIER_ORDERS = {
    "default": 1_000_000.0,
    "adminnetworkpolicy": 1_000.0,
    "baselineadminnetworkpolicy": 10_000_000.0,
}
ACTIONS = ("Allow", "Deny", "Log", "Pass")
PROTOCOLS = ("TCP", "UDP", "ICMP", "ICMPV6", "SCTP", "UDPLITE")
PORT_PROTOCOLS = ("TCP", "UDP", "SCTP", "UDPLITE")
PROTOCOL_PORTS_MESSAGE = "rules that specify ports must set protocol to TCP or UDP or SCTP"
GLOBAL_IN_ENTITY = "global() can only be used in an EntityRule namespaceSelector"
MAX_NAME = 253
MAX_TIER_NAME = 63
MAX_SELECTOR = 1024


def _name_check(kind: str) -> Any:
    pattern = re.compile(_NAMES[kind])
    limit = MAX_TIER_NAME if kind == "Tier" else MAX_NAME
    message = _NAME_MESSAGES.get(kind, _NAME_MESSAGES["NetworkSet"])
    if kind in ("NetworkPolicy", "GlobalNetworkPolicy"):
        message = _POLICY_NAME_MESSAGE

    def check(name: str, prefix: bool) -> list[str]:
        found: list[str] = []
        if len(name) > limit:
            found.append(f"name is too long by {len(name) - limit} bytes")
        if not prefix and not pattern.match(name):
            found.append(message)
        return found

    return check


def check_api_version(kind: str, api_version: object) -> FieldError | None:
    group, _, version = str(api_version).rpartition("/")
    served = SERVED_VERSIONS.get(group)
    if served is None or version == served:
        return None
    return FieldError(
        ("apiVersion",),
        f"no matches for kind {quote(kind)} in version {quote(str(api_version))}: "
        f"use apiVersion {group}/{served}",
    )


def _selector(value: Any, path: Path, allow_global: bool = False) -> list[FieldError]:
    if value in (None, ""):
        return []
    selector = str(value)
    if len(selector) > MAX_SELECTOR:
        return [FieldError(path, f"Too long: may not be more than {MAX_SELECTOR} bytes")]
    reason = selector_error(selector)
    if reason is not None:
        return [invalid(path, selector, f"invalid selector: {reason}")]
    expr = parse(selector)
    if expr.uses_global() and not allow_global:
        return [invalid(path, selector, GLOBAL_IN_ENTITY)]
    if allow_global and expr.uses_global() and selector.strip() != "global()":
        return [invalid(path, selector, "global() cannot be combined with other selectors")]
    return []


def _nets(values: Any, path: Path) -> tuple[list[FieldError], set[int]]:
    errors: list[FieldError] = []
    versions: set[int] = set()
    for index, value in enumerate(items(values)):
        text_value = text(value)
        network = parse_cidr(text_value) if "/" in text_value else parse_cidr(_host(text_value))
        if network is None:
            errors.append(invalid((*path, index), value, "invalid CIDR"))
        else:
            versions.add(4 if len(network.mask) == 4 else 6)
    return errors, versions


def _host(address: str) -> str:
    return f"{address}/128" if ":" in address else f"{address}/32"


def _ports(values: Any, path: Path) -> list[FieldError]:
    errors: list[FieldError] = []
    for index, value in enumerate(items(values)):
        port = calico_port(value)
        where = (*path, index)
        if port.name is not None:
            if not port.name or ":" in port.name or len(port.name) > 15:
                errors.append(invalid(where, value, "invalid port name or range"))
            continue
        if not (0 <= port.low <= 65535 and 0 <= port.high <= 65535):
            errors.append(invalid(where, value, "port must be in the range 0-65535"))
        elif port.low > port.high:
            errors.append(invalid(where, value, "port range start must not exceed its end"))
    return errors


def _entity(data: Any, path: Path) -> tuple[list[FieldError], set[int]]:
    entity = obj(data)
    errors = _selector(entity.get("selector"), (*path, "selector"))
    errors += _selector(entity.get("notSelector"), (*path, "notSelector"))
    errors += _selector(
        entity.get("namespaceSelector"), (*path, "namespaceSelector"), allow_global=True
    )
    accounts = obj(entity.get("serviceAccounts"))
    errors += _selector(accounts.get("selector"), (*path, "serviceAccounts", "selector"))
    versions: set[int] = set()
    for key in ("nets", "notNets"):
        found, seen = _nets(entity.get(key), (*path, key))
        errors += found
        versions |= seen
    errors += _ports(entity.get("ports"), (*path, "ports"))
    errors += _ports(entity.get("notPorts"), (*path, "notPorts"))
    services = entity.get("services")
    if services is not None:
        if not text(obj(services).get("name")):
            errors.append(required((*path, "services", "name"), "must specify a service name"))
        for key in ("selector", "notSelector", "namespaceSelector", "nets", "notNets"):
            if entity.get(key):
                errors.append(
                    invalid(
                        (*path, "services"),
                        services,
                        f"cannot specify {key} and services on the same rule",
                    )
                )
    return errors, versions


def _protocol(value: Any, path: Path) -> list[FieldError]:
    if value is None:
        return []
    if isinstance(value, int) and not isinstance(value, bool):
        if 1 <= value <= 255:
            return []
        return [invalid(path, value, "protocol number must be in the range 1-255")]
    name = protocol_name(value)
    if name in PROTOCOLS or ((name or "").isdigit() and 1 <= int(name or 0) <= 255):
        return []
    return [not_supported(path, value, ["TCP", "UDP", "ICMP", "ICMPv6", "SCTP", "UDPLite"])]


def _rule(rule_data: Any, path: Path, direction: str) -> list[FieldError]:
    rule = obj(rule_data)
    errors: list[FieldError] = []
    action = rule.get("action")
    if action is None:
        errors.append(required((*path, "action")))
    elif action not in ACTIONS:
        errors.append(not_supported((*path, "action"), action, list(ACTIONS)))
    errors += _protocol(rule.get("protocol"), (*path, "protocol"))
    errors += _protocol(rule.get("notProtocol"), (*path, "notProtocol"))
    version = rule.get("ipVersion")
    if version is not None and version not in (4, 6):
        errors.append(not_supported((*path, "ipVersion"), version, ["4", "6"]))
    protocol = protocol_name(rule.get("protocol"))
    versions: set[int] = set()
    for side in ("source", "destination"):
        found, seen = _entity(rule.get(side), (*path, side))
        errors += found
        versions |= seen
        entity = obj(rule.get(side))
        for key in ("ports", "notPorts"):
            if items(entity.get(key)) and protocol not in PORT_PROTOCOLS:
                errors.append(invalid((*path, side, key), entity[key], PROTOCOL_PORTS_MESSAGE))
    if len(versions) > 1:
        errors.append(invalid(path, "nets", "rule contains both IPv4 and IPv6 CIDRs"))
    if version is not None and versions and versions != {version}:
        errors.append(
            invalid((*path, "ipVersion"), version, "rule IP version doesn't match CIDR version")
        )
    if rule.get("icmp") is not None and protocol not in ("ICMP", "ICMPV6"):
        errors.append(
            invalid(
                (*path, "icmp"),
                rule["icmp"],
                "rules that specify ICMP fields must set protocol to ICMP",
            )
        )
    for key in ("icmp", "notICMP"):
        icmp = obj(rule.get(key))
        if icmp.get("code") is not None and icmp.get("type") is None:
            errors.append(
                invalid((*path, key, "code"), icmp["code"], "ICMP code specified without a type")
            )
    if direction == "egress" and obj(rule.get("source")).get("services") is not None:
        errors.append(
            invalid((*path, "source", "services"), "", "not allowed in egress rule source")
        )
    if direction == "ingress" and obj(rule.get("destination")).get("services") is not None:
        errors.append(
            invalid(
                (*path, "destination", "services"), "", "not allowed in ingress rule destination"
            )
        )
    if rule.get("http") is not None and action != "Allow":
        errors.append(invalid((*path, "http"), rule["http"], "only valid for Allow rules"))
    return errors


def _order(value: Any, path: Path) -> list[FieldError]:
    if value is None:
        return []
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return [FieldError(path, f"Invalid type: expected number, got {describe(value)}")]
    return []


def _policy(data: dict[str, Any], kind: str) -> list[FieldError]:
    spec = obj(data.get("spec"))
    errors = _order(spec.get("order"), ("spec", "order"))
    tier = spec.get("tier")
    if tier not in (None, "") and not re.match(_NAMES["Tier"], str(tier)):
        errors.append(invalid(("spec", "tier"), tier, _NAME_MESSAGES["Tier"]))
    errors += _selector(spec.get("selector"), ("spec", "selector"))
    errors += _selector(spec.get("serviceAccountSelector"), ("spec", "serviceAccountSelector"))
    if kind == "GlobalNetworkPolicy":
        errors += _selector(spec.get("namespaceSelector"), ("spec", "namespaceSelector"))
    seen: set[str] = set()
    for index, value in enumerate(items(spec.get("types"))):
        if value not in ("Ingress", "Egress"):
            errors.append(not_supported(("spec", "types", index), value, ["Ingress", "Egress"]))
        elif value in seen:
            errors.append(
                invalid(("spec", "types"), value, f"'{value}' type specified more than once")
            )
        seen.add(str(value))
    for direction in ("ingress", "egress"):
        for index, rule in enumerate(items(spec.get(direction))):
            errors += _rule(rule, ("spec", direction, index), direction)
    if kind == "GlobalNetworkPolicy":
        errors += _host_flags(spec)
    return errors


def _host_flags(spec: dict[str, Any]) -> list[FieldError]:
    errors: list[FieldError] = []
    pre_dnat, no_track = spec.get("preDNAT") is True, spec.get("doNotTrack") is True
    if pre_dnat and no_track:
        errors.append(
            invalid(
                ("spec", "preDNAT"),
                True,
                "PreDNAT and DoNotTrack cannot both be true, for a given PolicySpec",
            )
        )
    if pre_dnat and items(spec.get("egress")):
        errors.append(
            invalid(("spec", "egress"), "", "PreDNAT PolicySpec cannot have any Egress rules")
        )
    if pre_dnat and "Egress" in items(spec.get("types")):
        errors.append(
            invalid(("spec", "types"), "Egress", "PreDNAT PolicySpec cannot have 'egress' Type")
        )
    if (pre_dnat or no_track) and spec.get("applyOnForward") is not True:
        errors.append(
            invalid(
                ("spec", "applyOnForward"),
                False,
                "ApplyOnForward must be true if either PreDNAT or DoNotTrack is true, for a "
                "given PolicySpec",
            )
        )
    return errors


def _tier(data: dict[str, Any]) -> list[FieldError]:
    spec = obj(data.get("spec"))
    errors = _order(spec.get("order"), ("spec", "order"))
    name = text(obj(data.get("metadata")).get("name"))
    fixed = FIXED_TIER_ORDERS.get(name)
    if fixed is not None and spec.get("order") != fixed:
        errors.append(
            invalid(("spec", "order"), spec.get("order"), f"{name} tier order must be {fixed:g}")
        )
    action = spec.get("defaultAction")
    if action is not None and action not in ("Deny", "Pass"):
        errors.append(not_supported(("spec", "defaultAction"), action, ["Deny", "Pass"]))
    return errors


def _network_set(data: dict[str, Any]) -> list[FieldError]:
    errors: list[FieldError] = []
    labels = obj(obj(data.get("metadata")).get("labels"))
    if "projectcalico.org/namespace" in labels:
        errors.append(
            invalid(
                ("metadata", "labels"),
                "projectcalico.org/namespace",
                "projectcalico.org/namespace is not a valid label name",
            )
        )
    found, _ = _nets(obj(data.get("spec")).get("nets"), ("spec", "nets"))
    return errors + found


def calico_field_errors(
    data: dict[str, Any], unknown_as_warning: bool, keep_unknown: bool
) -> list[FieldError]:
    """All errors of one Calico object: apiVersion, JSON types and unknown fields, then the
    kind's checks."""
    kind = str(data.get("kind"))
    version_error = check_api_version(kind, data.get("apiVersion"))
    if version_error is not None:
        return [version_error]
    decoded = decode(data, CALICO_SCHEMAS[kind])
    unknown = [
        FieldError(path, unknown_field_message(path), warning=unknown_as_warning)
        for path in decoded.unknown_fields
        if keep_unknown
    ]
    if decoded.type_errors:
        return decoded.type_errors + unknown
    namespaced = kind in ("NetworkPolicy", "NetworkSet")
    errors = validate_object_meta(data.get("metadata"), _name_check(kind), namespaced=namespaced)
    if kind in ("NetworkPolicy", "GlobalNetworkPolicy"):
        errors += _policy(data, kind)
    elif kind == "Tier":
        errors += _tier(data)
    else:
        errors += _network_set(data)
    return unknown + errors
