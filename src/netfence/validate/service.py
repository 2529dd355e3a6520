"""Service checks (``ValidateService`` on create): type, ports, selector, cluster IPs."""

from __future__ import annotations

from typing import Any

from netfence.load.document import Path
from netfence.model.goip import parse_ip
from netfence.validate.access import items, number, obj, present, text
from netfence.validate.errors import (
    FieldError,
    duplicate,
    forbidden,
    invalid,
    invalid_each,
    not_supported,
    required,
)
from netfence.validate.meta import validate_object_meta
from netfence.validate.names import (
    is_dns1123_label,
    is_dns1123_subdomain,
    is_valid_port_name,
    is_valid_port_num,
    name_is_dns1035_label,
)
from netfence.validate.selectors import validate_labels

SERVICE_TYPES = ("ClusterIP", "ExternalName", "LoadBalancer", "NodePort")
PROTOCOLS = ("SCTP", "TCP", "UDP")
SESSION_AFFINITIES = ("ClientIP", "None")
_IP_EXAMPLE = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"


def validate_service(data: dict[str, Any]) -> list[FieldError]:
    errors = validate_object_meta(data.get("metadata"), name_is_dns1035_label, namespaced=True)
    return errors + validate_service_spec(obj(data.get("spec")), ("spec",))


def validate_service_spec(spec: dict[str, Any], path: Path) -> list[FieldError]:
    errors: list[FieldError] = []
    service_type = text(spec.get("type")) or "ClusterIP"
    if service_type not in SERVICE_TYPES:
        errors.append(not_supported((*path, "type"), service_type, SERVICE_TYPES))
    headless = text(spec.get("clusterIP")) == "None"
    ports = items(spec.get("ports"))
    if not ports and not headless and service_type != "ExternalName":
        errors.append(required((*path, "ports")))
    if service_type == "ExternalName":
        errors += _external_name(text(spec.get("externalName")), (*path, "externalName"))
    errors += _ports(ports, (*path, "ports"), service_type)
    errors += validate_labels(spec.get("selector"), (*path, "selector"))
    errors += _cluster_ips(spec, path)
    affinity = text(spec.get("sessionAffinity"))
    if affinity and affinity not in SESSION_AFFINITIES:
        errors.append(not_supported((*path, "sessionAffinity"), affinity, SESSION_AFFINITIES))
    return errors


def _external_name(name: str, path: Path) -> list[FieldError]:
    if not name:
        return [required(path)]
    return invalid_each(path, name, is_dns1123_subdomain(name.removesuffix(".")))


def _ports(ports: list[Any], path: Path, service_type: str) -> list[FieldError]:
    """Names (required when several, unique DNS labels), numbers, protocols, target ports."""
    errors: list[FieldError] = []
    names: set[str] = set()
    seen: set[tuple[int, str]] = set()
    for index, port in enumerate(ports):
        port = obj(port)
        where = (*path, index)
        name = text(port.get("name"))
        if len(ports) > 1 and not name:
            errors.append(required((*where, "name")))
        elif name:
            errors += invalid_each((*where, "name"), name, is_dns1123_label(name))
            if name in names:
                errors.append(duplicate((*where, "name"), name))
            names.add(name)
        number_value = number(port.get("port"))
        errors += invalid_each((*where, "port"), number_value, is_valid_port_num(number_value))
        protocol = text(port.get("protocol")) or "TCP"
        if protocol not in PROTOCOLS:
            errors.append(not_supported((*where, "protocol"), protocol, PROTOCOLS))
        errors += _target_port(port.get("targetPort"), (*where, "targetPort"))
        if service_type == "ClusterIP" and number(port.get("nodePort")) != 0:
            errors.append(
                forbidden((*where, "nodePort"), "may not be used when `type` is 'ClusterIP'")
            )
        key = (number_value, protocol)
        if key in seen:
            errors.append(duplicate(where, f"{number_value}/{protocol}"))
        seen.add(key)
    return errors


def _target_port(target: Any, path: Path) -> list[FieldError]:
    """A port number or an IANA_SVC_NAME; unset (or 0) defaults to ``port``."""
    if isinstance(target, str):
        return invalid_each(path, target, is_valid_port_name(target))
    value = number(target)
    if present(target) and value != 0:
        return invalid_each(path, value, is_valid_port_num(value))
    return []


def _cluster_ips(spec: dict[str, Any], path: Path) -> list[FieldError]:
    """``clusterIP`` and ``clusterIPs`` are "None", empty, or IP addresses (legacy parsing)."""
    errors: list[FieldError] = []
    first = text(spec.get("clusterIP"))
    listed = [text(ip) for ip in items(spec.get("clusterIPs"))]
    if first and listed and listed[0] != first:
        errors.append(
            invalid(
                (*path, "clusterIPs"),
                listed,
                "element [0] must match clusterIP",
            )
        )
    candidates = [((*path, "clusterIP"), first)] if first and not listed else []
    candidates += [((*path, "clusterIPs", i), ip) for i, ip in enumerate(listed)]
    for where, address in candidates:
        if address != "None" and address and parse_ip(address) is None:
            errors.append(invalid(where, address, _IP_EXAMPLE))
    return errors
