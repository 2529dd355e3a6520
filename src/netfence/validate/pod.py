"""Pod and pod-template checks: containers, container ports, restart and DNS policies.

Covers what decides a Pod's identity and ports in kube-apiserver's ``ValidatePodSpec``
(after its defaulting: protocol TCP, restartPolicy Always, dnsPolicy ClusterFirst).
Volumes, probes, resources, security contexts and affinity are not checked beyond
their JSON type.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from netfence.load.document import Path
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
from netfence.validate.meta import validate_annotations, validate_object_meta
from netfence.validate.names import (
    is_dns1123_label,
    is_valid_port_name,
    is_valid_port_num,
    name_is_dns_subdomain,
)
from netfence.validate.selectors import validate_labels

PORT_PROTOCOLS = ("SCTP", "TCP", "UDP")
RESTART_POLICIES = ("Always", "OnFailure", "Never")
DNS_POLICIES = ("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None")
PULL_POLICIES = ("Always", "IfNotPresent", "Never")


def validate_pod(data: dict[str, Any]) -> list[FieldError]:
    errors = validate_object_meta(data.get("metadata"), name_is_dns_subdomain, namespaced=True)
    errors += validate_pod_spec(obj(data.get("spec")), ("spec",))
    return errors + validate_pod_ips(obj(data.get("status")), ("status",))


def validate_pod_template(template: Any, path: Path) -> list[FieldError]:
    """``ValidatePodTemplateSpec``: labels and annotations (named as the apiserver names them,
    ``template.labels``), then the pod spec."""
    template = obj(template)
    meta = obj(template.get("metadata"))
    errors = validate_labels(meta.get("labels"), (*path, "labels"))
    errors += validate_annotations(meta.get("annotations"), (*path, "annotations"))
    return errors + validate_pod_spec(obj(template.get("spec")), (*path, "spec"))


def validate_pod_spec(spec: dict[str, Any], path: Path) -> list[FieldError]:
    host_network = spec.get("hostNetwork") is True
    names: set[str] = set()
    host_ports: set[str] = set()
    errors: list[FieldError] = []
    containers = items(spec.get("containers"))
    if not containers:
        errors.append(required((*path, "containers")))
    for group, group_items in (
        ("containers", containers),
        ("initContainers", items(spec.get("initContainers"))),
    ):
        for index, container in enumerate(group_items):
            where = (*path, group, index)
            errors += validate_container(obj(container), where, names, init=group != "containers")
            errors += _host_port_errors(obj(container), where, host_ports, host_network)
    restart = text(spec.get("restartPolicy"))
    if restart and restart not in RESTART_POLICIES:
        errors.append(not_supported((*path, "restartPolicy"), restart, RESTART_POLICIES))
    dns = text(spec.get("dnsPolicy"))
    if dns and dns not in DNS_POLICIES:
        errors.append(not_supported((*path, "dnsPolicy"), dns, DNS_POLICIES))
    return errors


def validate_container(
    container: dict[str, Any], path: Path, names: set[str], *, init: bool
) -> list[FieldError]:
    """Name (a unique DNS label), image, pull policy, sidecar restart policy, ports."""
    errors: list[FieldError] = []
    name = text(container.get("name"))
    if not name:
        errors.append(required((*path, "name")))
    else:
        found = is_dns1123_label(name)
        errors += invalid_each((*path, "name"), name, found)
        if not found and name in names:
            errors.append(duplicate((*path, "name"), name))
        names.add(name)
    if not text(container.get("image")):
        errors.append(required((*path, "image")))
    pull = text(container.get("imagePullPolicy"))
    if pull and pull not in PULL_POLICIES:
        errors.append(not_supported((*path, "imagePullPolicy"), pull, PULL_POLICIES))
    restart = container.get("restartPolicy")
    if present(restart) and not init:
        errors.append(forbidden((*path, "restartPolicy"), "may not be set for non-init containers"))
    elif present(restart) and text(restart) != "Always":
        errors.append(not_supported((*path, "restartPolicy"), text(restart), ["Always"]))
    return errors + validate_container_ports(container.get("ports"), (*path, "ports"))


def validate_container_ports(ports: Any, path: Path) -> list[FieldError]:
    """``validateContainerPorts``: unique valid names, port numbers, protocols."""
    errors: list[FieldError] = []
    names: set[str] = set()
    for index, port in enumerate(items(ports)):
        port = obj(port)
        where = (*path, index)
        name = text(port.get("name"))
        if name:
            found = is_valid_port_name(name)
            if found:
                errors += invalid_each((*where, "name"), name, found)
            elif name in names:
                errors.append(duplicate((*where, "name"), name))
            else:
                names.add(name)
        container_port = number(port.get("containerPort"))
        if container_port == 0:
            errors.append(required((*where, "containerPort")))
        else:
            errors += invalid_each(
                (*where, "containerPort"), container_port, is_valid_port_num(container_port)
            )
        host_port = number(port.get("hostPort"))
        if host_port != 0:
            errors += invalid_each((*where, "hostPort"), host_port, is_valid_port_num(host_port))
        protocol = text(port.get("protocol")) or "TCP"
        if protocol not in PORT_PROTOCOLS:
            errors.append(not_supported((*where, "protocol"), protocol, PORT_PROTOCOLS))
    return errors


def _host_port_errors(
    container: dict[str, Any], path: Path, seen: set[str], host_network: bool
) -> list[FieldError]:
    """Host ports are unique per pod; on the host network a set one equals the container port."""
    errors: list[FieldError] = []
    for index, port in enumerate(items(container.get("ports"))):
        port = obj(port)
        where = (*path, "ports", index)
        container_port = number(port.get("containerPort"))
        host_port = number(port.get("hostPort"))
        if host_network and host_port not in (0, container_port):
            errors.append(
                invalid(
                    (*where, "hostPort"),
                    host_port,
                    "must match `containerPort` when `hostNetwork` is true",
                )
            )
        if host_port == 0:
            continue
        key = f"{text(port.get('hostIP'))}/{text(port.get('protocol')) or 'TCP'}/{host_port}"
        if key in seen:
            errors.append(duplicate((*where, "hostPort"), key))
        seen.add(key)
    return errors


def validate_pod_ips(status: dict[str, Any], path: Path) -> list[FieldError]:
    """netfence's own check: the pod IPs it models must be addresses.

    (The apiserver ignores status on create; netfence reads ``status.podIP(s)`` as the
    endpoint's addresses, so they must parse.)
    """
    candidates: list[tuple[Path, str]] = []
    if text(status.get("podIP")):
        candidates.append(((*path, "podIP"), text(status["podIP"])))
    for index, entry in enumerate(items(status.get("podIPs"))):
        address = text(obj(entry).get("ip"))
        if address:
            candidates.append(((*path, "podIPs", index, "ip"), address))
    errors: list[FieldError] = []
    for where, address in candidates:
        try:
            ipaddress.ip_address(address)
        except ValueError:
            errors.append(
                invalid(
                    where, address, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"
                )
            )
    return errors
