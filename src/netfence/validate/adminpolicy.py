"""AdminNetworkPolicy, BaselineAdminNetworkPolicy and ClusterNetworkPolicy checks.

What the CRDs' OpenAPI schemas and CEL rules reject on create (required fields, enums,
minimum/maximum, item and property counts, patterns, the CIDR and port-range rules, the BANP
singleton name), worded as kube-apiserver words CRD validation errors.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Any

from netfence.load.document import Path, render_path
from netfence.model.goip import parse_cidr
from netfence.validate.access import items, number, obj, present, text
from netfence.validate.errors import FieldError, invalid, not_supported, required, too_long
from netfence.validate.meta import validate_object_meta
from netfence.validate.names import name_is_dns_subdomain
from netfence.validate.selectors import validate_label_selector

PROTOCOLS = ("TCP", "UDP", "SCTP")
RULE_NAME_MAX = 100
CIDR_MAX = 43
_LABEL = r"[a-zA-Z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?"
DOMAIN_PATTERN = rf"^(\*\.)?({_LABEL}\.)+{_LABEL}\.?$"
_DOMAIN = re.compile(DOMAIN_PATTERN)
# The CRDs list both selectors of a pods selection as required (``{}`` selects all).
PODS_SELECTORS_REQUIRED = (
    "a pods selection needs namespaceSelector and podSelector (write {} to select all); "
    "kube-apiserver refuses the object without it"
)
BANP_NAME_MESSAGE = (
    'Only one baseline admin network policy with metadata.name="default" can be created '
    "in the cluster"
)


@dataclass(frozen=True)
class Dialect:
    """The limits and choices of one kind's CRD."""

    actions: tuple[str, ...]
    max_rules: int
    max_peers: int
    max_ports: int
    ports_key: str
    egress_peers: tuple[str, ...]
    masked_cidrs: bool
    named_port_message: str


_NAMED = (
    "networks/nodes{} peer cannot be set with namedPorts since there are no namedPorts for "
    "networks/nodes{}"
)
ANP = Dialect(
    ("Allow", "Deny", "Pass"),
    100,
    100,
    100,
    "ports",
    ("namespaces", "pods", "nodes", "networks", "domainNames"),
    False,
    _NAMED.format("/domainNames", "/domainNames"),
)
BANP = Dialect(
    ("Allow", "Deny"),
    100,
    100,
    100,
    "ports",
    ("namespaces", "pods", "nodes", "networks"),
    False,
    _NAMED.format("", ""),
)
CNP = Dialect(
    ("Accept", "Deny", "Pass"),
    25,
    25,
    25,
    "protocols",
    ("namespaces", "pods", "nodes", "networks", "domainNames"),
    True,
    _NAMED.format("/domainNames", "/domainNames"),
)
DIALECTS = {
    "AdminNetworkPolicy": ANP,
    "BaselineAdminNetworkPolicy": BANP,
    "ClusterNetworkPolicy": CNP,
}


def _in_body(path: Path) -> str:
    return render_path(path)


def bounded(path: Path, value: int, low: int, high: int) -> list[FieldError]:
    """``minimum``/``maximum`` of an integer field."""
    if value < low:
        return [
            invalid(
                path, value, f"{_in_body(path)} in body should be greater than or equal to {low}"
            )
        ]
    if value > high:
        return [
            invalid(path, value, f"{_in_body(path)} in body should be less than or equal to {high}")
        ]
    return []


def counted(path: Path, values: list[Any], low: int, high: int) -> list[FieldError]:
    """``minItems``/``maxItems`` of a list field."""
    if len(values) > high:
        return [FieldError(path, f"Too many: {len(values)}: must have at most {high} items")]
    if len(values) < low:
        return [
            invalid(path, len(values), f"{_in_body(path)} in body should have at least {low} items")
        ]
    return []


def one_of(path: Path, value: dict[str, Any], allowed: tuple[str, ...]) -> list[FieldError]:
    """``minProperties: 1``/``maxProperties: 1``: exactly one of the fields is set."""
    written = [k for k in value if value[k] is not None and k in allowed]
    if len(written) > 1:
        return [FieldError(path, f"Too many: {len(written)}: must have at most 1 items")]
    if not written:
        return [invalid(path, 0, f"{_in_body(path)} in body should have at least 1 properties")]
    return []


def _cel(path: Path, kind: str, message: str) -> FieldError:
    return invalid(path, kind, message)


def validate_tier_policy(data: dict[str, Any]) -> list[FieldError]:
    """All errors of an ANP, BANP or CNP (the kind picks the dialect)."""
    kind = text(data.get("kind"))
    dialect = DIALECTS[kind]
    meta = obj(data.get("metadata"))
    errors = validate_object_meta(meta, name_is_dns_subdomain, namespaced=False)
    if kind == "BaselineAdminNetworkPolicy" and text(meta.get("name")) != "default":
        errors.append(_cel(("metadata", "name"), "object", BANP_NAME_MESSAGE))
    if not present(data.get("spec")):
        return [*errors, required(("spec",))]
    spec = obj(data["spec"])
    path: Path = ("spec",)
    if kind == "ClusterNetworkPolicy":
        if not present(spec.get("tier")):
            errors.append(required((*path, "tier")))
        elif text(spec["tier"]) not in ("Admin", "Baseline"):
            errors.append(not_supported((*path, "tier"), spec["tier"], ("Admin", "Baseline")))
    if kind != "BaselineAdminNetworkPolicy":
        if not present(spec.get("priority")):
            errors.append(required((*path, "priority")))
        else:
            errors += bounded((*path, "priority"), number(spec["priority"]), 0, 1000)
    if not present(spec.get("subject")):
        errors.append(required((*path, "subject")))
    else:
        errors += validate_selection(obj(spec["subject"]), (*path, "subject"))
    for direction in ("ingress", "egress"):
        rules = items(spec.get(direction))
        errors += counted((*path, direction), rules, 0, dialect.max_rules)
        for index, rule in enumerate(rules):
            errors += validate_rule(obj(rule), (*path, direction, index), direction, dialect)
    return errors


def validate_selection(value: dict[str, Any], path: Path) -> list[FieldError]:
    """A subject or a namespaces/pods peer: exactly one of ``namespaces`` and ``pods``."""
    errors = one_of(path, value, ("namespaces", "pods"))
    if present(value.get("namespaces")):
        errors += validate_label_selector(value["namespaces"], (*path, "namespaces"))
    if present(value.get("pods")):
        pods = obj(value["pods"])
        for key in ("namespaceSelector", "podSelector"):
            if key not in pods:
                errors.append(required((*path, "pods", key), PODS_SELECTORS_REQUIRED))
            else:
                errors += validate_label_selector(pods[key], (*path, "pods", key))
    return errors


def validate_rule(
    rule: dict[str, Any], path: Path, direction: str, dialect: Dialect
) -> list[FieldError]:
    errors: list[FieldError] = []
    name = text(rule.get("name"))
    if len(name) > RULE_NAME_MAX:
        errors.append(too_long((*path, "name"), RULE_NAME_MAX))
    if not present(rule.get("action")):
        errors.append(required((*path, "action")))
    elif text(rule["action"]) not in dialect.actions:
        errors.append(not_supported((*path, "action"), rule["action"], dialect.actions))
    peers_key = "from" if direction == "ingress" else "to"
    allowed = ("namespaces", "pods") if direction == "ingress" else dialect.egress_peers
    if not present(rule.get(peers_key)):
        errors.append(required((*path, peers_key)))
    else:
        peers = items(rule[peers_key])
        errors += counted((*path, peers_key), peers, 1, dialect.max_peers)
        for index, peer in enumerate(peers):
            errors += validate_peer(obj(peer), (*path, peers_key, index), allowed, dialect)
    named = False
    if present(rule.get(dialect.ports_key)):
        ports = items(rule[dialect.ports_key])
        errors += counted((*path, dialect.ports_key), ports, 1, dialect.max_ports)
        for index, port in enumerate(ports):
            port_path = (*path, dialect.ports_key, index)
            if dialect is CNP:
                errors += validate_protocol(obj(port), port_path)
                named = named or present(obj(port).get("destinationNamedPort"))
            else:
                errors += validate_port(obj(port), port_path)
                named = named or present(obj(port).get("namedPort"))
    external = any(
        present(obj(p).get(k))
        for p in items(rule.get(peers_key))
        for k in ("networks", "nodes", "domainNames")
    )
    if direction == "egress" and named and external:
        errors.append(_cel(path, "object", dialect.named_port_message))
    return errors


def validate_peer(
    peer: dict[str, Any], path: Path, allowed: tuple[str, ...], dialect: Dialect
) -> list[FieldError]:
    errors = one_of(path, peer, allowed)
    if present(peer.get("namespaces")) or present(peer.get("pods")):
        selection = {k: peer[k] for k in ("namespaces", "pods") if present(peer.get(k))}
        errors += [e for e in validate_selection(selection, path) if e.path != path]
    if present(peer.get("nodes")) and "nodes" in allowed:
        errors += validate_label_selector(peer["nodes"], (*path, "nodes"))
    if present(peer.get("networks")) and "networks" in allowed:
        networks = items(peer["networks"])
        errors += counted((*path, "networks"), networks, 1, 25)
        for index, cidr in enumerate(networks):
            errors += validate_cidr(text(cidr), (*path, "networks", index), dialect.masked_cidrs)
    if present(peer.get("domainNames")) and "domainNames" in allowed:
        names = items(peer["domainNames"])
        errors += counted((*path, "domainNames"), names, 1, 25)
        for index, name in enumerate(names):
            name_path = (*path, "domainNames", index)
            if not _DOMAIN.match(text(name)):
                errors.append(
                    invalid(
                        name_path,
                        text(name),
                        f"{_in_body(name_path)} in body should match '{DOMAIN_PATTERN}'",
                    )
                )
    return errors


def validate_cidr(value: str, path: Path, masked: bool) -> list[FieldError]:
    """``isCIDR(self)`` (v1alpha1), and ``cidr(self) == cidr(self).masked()`` (v1alpha2)."""
    if len(value) > CIDR_MAX:
        return [too_long(path, CIDR_MAX)]
    parsed = parse_cidr(value)
    ok = parsed is not None and "/" in value
    if ok and masked:
        try:
            ipaddress.ip_network(value, strict=True)
        except ValueError:
            ok = False
    return [] if ok else [_cel(path, "string", "Invalid CIDR format provided")]


def _port_number(value: Any, path: Path) -> list[FieldError]:
    if not present(value):
        return [required(path)]
    return bounded(path, number(value), 1, 65535)


def _protocol(value: Any, path: Path) -> list[FieldError]:
    if present(value) and text(value) not in PROTOCOLS:
        return [not_supported(path, text(value), PROTOCOLS)]
    return []


def _range(span: dict[str, Any], path: Path) -> list[FieldError]:
    errors = _port_number(span.get("start"), (*path, "start"))
    errors += _port_number(span.get("end"), (*path, "end"))
    if not errors and number(span["start"]) >= number(span["end"]):
        errors.append(_cel(path, "object", "Start port must be less than End port"))
    return errors


def validate_port(port: dict[str, Any], path: Path) -> list[FieldError]:
    """v1alpha1: exactly one of ``portNumber``, ``namedPort`` and ``portRange``."""
    errors = one_of(path, port, ("portNumber", "namedPort", "portRange"))
    if present(port.get("portNumber")):
        entry = obj(port["portNumber"])
        errors += _protocol(entry.get("protocol"), (*path, "portNumber", "protocol"))
        errors += _port_number(entry.get("port"), (*path, "portNumber", "port"))
    if present(port.get("portRange")):
        entry = obj(port["portRange"])
        errors += _protocol(entry.get("protocol"), (*path, "portRange", "protocol"))
        errors += _range(entry, (*path, "portRange"))
    return errors


def validate_protocol(entry: dict[str, Any], path: Path) -> list[FieldError]:
    """v1alpha2: exactly one of ``tcp``, ``udp``, ``sctp`` and ``destinationNamedPort``."""
    errors = one_of(path, entry, ("tcp", "udp", "sctp", "destinationNamedPort"))
    for key in ("tcp", "udp", "sctp"):
        if not present(entry.get(key)):
            continue
        match = obj(entry[key])
        errors += one_of((*path, key), match, ("destinationPort",))
        if present(match.get("destinationPort")):
            port_path = (*path, key, "destinationPort")
            port = obj(match["destinationPort"])
            errors += one_of(port_path, port, ("number", "range"))
            if present(port.get("number")):
                errors += bounded((*port_path, "number"), number(port["number"]), 1, 65535)
            if present(port.get("range")):
                errors += _range(obj(port["range"]), (*port_path, "range"))
    return errors


def validate_node(data: dict[str, Any]) -> list[FieldError]:
    """A Node: a DNS-subdomain name and valid metadata; its pod CIDRs must be CIDRs."""
    errors = validate_object_meta(data.get("metadata"), name_is_dns_subdomain, namespaced=False)
    spec = obj(data.get("spec"))
    entries: list[tuple[Path, Any]] = []
    if present(spec.get("podCIDR")):
        entries.append((("spec", "podCIDR"), spec["podCIDR"]))
    entries += [(("spec", "podCIDRs", i), v) for i, v in enumerate(items(spec.get("podCIDRs")))]
    for path, value in entries:
        if not isinstance(value, str) or parse_cidr(value) is None or "/" not in value:
            errors.append(
                invalid(
                    path, value, "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"
                )
            )
    return errors
