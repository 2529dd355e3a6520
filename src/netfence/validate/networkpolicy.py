"""NetworkPolicy checks: networking.k8s.io/v1 ``ValidateNetworkPolicy`` of kube-apiserver v1.37."""

from __future__ import annotations

from typing import Any

from netfence.load.document import Path
from netfence.model.goip import parse_cidr
from netfence.validate.access import items, number, obj, present, text
from netfence.validate.errors import (
    FieldError,
    forbidden,
    invalid,
    invalid_each,
    not_supported,
    required,
)
from netfence.validate.meta import validate_object_meta
from netfence.validate.names import is_valid_port_name, is_valid_port_num, name_is_dns_subdomain
from netfence.validate.selectors import validate_label_selector
from netfence.validate.strictcidr import strict_cidr_problem

PROTOCOLS = ("TCP", "UDP", "SCTP")
POLICY_TYPES = ("Ingress", "Egress")
_DIRECTIONS = (("ingress", "from"), ("egress", "to"))


def validate_network_policy(data: dict[str, Any]) -> list[FieldError]:
    errors = validate_object_meta(data.get("metadata"), name_is_dns_subdomain, namespaced=True)
    return errors + validate_spec(obj(data.get("spec")), ("spec",))


def validate_spec(spec: dict[str, Any], path: Path) -> list[FieldError]:
    """podSelector, each rule's ports then peers (ingress, then egress), then policyTypes."""
    errors = validate_label_selector(spec.get("podSelector"), (*path, "podSelector"))
    for direction, peers_key in _DIRECTIONS:
        for index, rule in enumerate(items(spec.get(direction))):
            rule = obj(rule)
            rule_path = (*path, direction, index)
            for port_index, port in enumerate(items(rule.get("ports"))):
                errors += validate_port(obj(port), (*rule_path, "ports", port_index))
            for peer_index, peer in enumerate(items(rule.get(peers_key))):
                errors += validate_peer(obj(peer), (*rule_path, peers_key, peer_index))
    return errors + validate_policy_types(spec.get("policyTypes"), (*path, "policyTypes"))


def validate_policy_types(value: Any, path: Path) -> list[FieldError]:
    types = [text(t) for t in items(value)]
    if len(types) > len(POLICY_TYPES):
        shown = "[]networking.PolicyType{" + ", ".join(f'"{t}"' for t in types) + "}"
        return [
            FieldError(path, f"Invalid value: {shown}: may not specify more than two policyTypes")
        ]
    return [
        not_supported((*path, index), policy_type, POLICY_TYPES)
        for index, policy_type in enumerate(types)
        if policy_type not in POLICY_TYPES
    ]


def validate_port(port: dict[str, Any], path: Path) -> list[FieldError]:
    """Protocol, then a numeric port (with endPort) or a named port (without endPort)."""
    errors: list[FieldError] = []
    if present(port.get("protocol")) and text(port["protocol"]) not in PROTOCOLS:
        errors.append(not_supported((*path, "protocol"), text(port["protocol"]), PROTOCOLS))
    value = port.get("port")
    end_port = port.get("endPort")
    has_end = present(end_port)
    end = number(end_port)
    if isinstance(value, str):
        if has_end:
            errors.append(
                invalid((*path, "endPort"), end, "may not be specified when `port` is non-numeric")
            )
        errors += invalid_each((*path, "port"), value, is_valid_port_name(value))
    elif present(value):
        number_value = number(value)
        errors += invalid_each((*path, "port"), number_value, is_valid_port_num(number_value))
        if has_end:
            if end < number_value:
                # The apiserver shows the port here, not the endPort.
                errors.append(
                    invalid(
                        (*path, "endPort"), number_value, "must be greater than or equal to `port`"
                    )
                )
            errors += invalid_each((*path, "endPort"), end, is_valid_port_num(end))
    elif has_end:
        errors.append(
            invalid((*path, "endPort"), end, "may not be specified when `port` is not specified")
        )
    return errors


def validate_peer(peer: dict[str, Any], path: Path) -> list[FieldError]:
    """Selectors and ipBlock; at least one, and an ipBlock stands alone."""
    errors: list[FieldError] = []
    count = 0
    for key in ("podSelector", "namespaceSelector"):
        if present(peer.get(key)):
            count += 1
            errors += validate_label_selector(peer[key], (*path, key))
    has_ip_block = present(peer.get("ipBlock"))
    if has_ip_block:
        count += 1
        errors += validate_ip_block(obj(peer["ipBlock"]), (*path, "ipBlock"))
    if count == 0:
        errors.append(required(path, "must specify a peer"))
    elif count > 1 and has_ip_block:
        errors.append(forbidden(path, "may not specify both ipBlock and another peer"))
    return errors


_CIDR_EXAMPLE = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"


def _strict(value: str, path: Path) -> list[FieldError]:
    problem = strict_cidr_problem(value)
    return [invalid(path, value, problem)] if problem else []


def validate_ip_block(block: dict[str, Any], path: Path) -> list[FieldError]:
    """``cidr`` is required and valid; each ``except`` a valid strict subset of it.

    As kube-apiserver v1.37: each value also passes the strict CIDR checks, and an
    ``except`` can fail both those and the subset check.
    """
    cidr_text = text(block.get("cidr"))
    if not cidr_text:
        return [required((*path, "cidr"))]
    cidr = parse_cidr(cidr_text)
    if cidr is None:
        return [invalid((*path, "cidr"), cidr_text, _CIDR_EXAMPLE)]
    errors = _strict(cidr_text, (*path, "cidr"))
    for index, except_value in enumerate(items(block.get("except"))):
        except_text = text(except_value)
        except_path = (*path, "except", index)
        excluded = parse_cidr(except_text)
        if excluded is None:
            errors.append(invalid(except_path, except_text, _CIDR_EXAMPLE))
            continue
        errors += _strict(except_text, except_path)
        if not cidr.contains(excluded.network) or cidr.prefix_len >= excluded.prefix_len:
            errors.append(invalid(except_path, except_text, "must be a strict subset of `cidr`"))
    return errors
