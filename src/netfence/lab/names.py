"""Names of a lab's namespaces and interfaces: one unique prefix per lab."""

from __future__ import annotations

import re
import secrets

PREFIX = "nf-"
BRIDGE = "br0"
POD_INTERFACE = "eth0"
_LAB_NAMESPACE = re.compile(r"^nf-([0-9a-f]{6})-[a-z0-9]+$")


def new_lab_id() -> str:
    """A fresh random lab id (6 hex digits)."""
    return secrets.token_hex(3)


def is_lab_id(text: str) -> bool:
    """Whether ``text`` is a lab id (6 lowercase hex digits, nothing else)."""
    return re.fullmatch(r"[0-9a-f]{6}", text) is not None


def lab_prefix(lab_id: str) -> str:
    """The prefix every namespace of the lab starts with."""
    return f"{PREFIX}{lab_id}-"


def node_namespace(lab_id: str) -> str:
    """The node namespace: the bridge that links the lab's endpoints, no uplink."""
    return f"{lab_prefix(lab_id)}node"


def endpoint_namespace(lab_id: str, index: int) -> str:
    return f"{lab_prefix(lab_id)}e{index}"


def external_namespace(lab_id: str, index: int) -> str:
    return f"{lab_prefix(lab_id)}x{index}"


def node_port(namespace: str) -> str:
    """The bridge port in the node namespace for an endpoint namespace (<= 15 chars)."""
    return "v" + namespace.rsplit("-", 1)[1]


def lab_of_namespace(name: str) -> str | None:
    """The lab id of a netfence namespace, ``None`` for every other namespace."""
    match = _LAB_NAMESPACE.match(name)
    return match.group(1) if match else None
