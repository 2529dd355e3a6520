"""The checks kube-apiserver makes on create, as Problems naming file, line and field path.

``validate_document`` runs, for one document: the apiVersion check, the strict decoder's
checks (JSON types and unknown fields, see ``schema``), then, when the document decodes,
the kind's semantic validation (``networkpolicy``, ``pod``, ``workloads``, ``service``,
``namespace``), each error carrying the apiserver's field path and message.

Modes: ``strict`` refuses what kube-apiserver refuses. ``connectivity`` (what analysis
commands use) keeps errors only where a field can change connectivity (``relevance``) and
makes the rest warnings; ``warn`` also makes every unknown field a warning and ``ignore``
drops unknown fields.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any, Literal

from netfence.load.calico_kinds import is_calico
from netfence.load.document import Document, Path, render_path
from netfence.problems import Problem
from netfence.validate.adminpolicy import validate_node, validate_tier_policy
from netfence.validate.adminpolicy_schema import TIER_KIND_SCHEMAS
from netfence.validate.apiversions import SERVED, check_api_version
from netfence.validate.calico import calico_field_errors
from netfence.validate.cilium import validate_cidr_group, validate_cilium_policy
from netfence.validate.cilium_schema import CILIUM_KIND_SCHEMAS
from netfence.validate.decode import decode, unknown_field_message
from netfence.validate.errors import FieldError
from netfence.validate.namespace import validate_namespace
from netfence.validate.networkpolicy import validate_network_policy
from netfence.validate.pod import validate_pod
from netfence.validate.relevance import is_relevant, reading_of
from netfence.validate.replication import validate_replication_controller
from netfence.validate.schema import KIND_SCHEMAS
from netfence.validate.service import validate_service
from netfence.validate.workloads import validate_cron_job, validate_job, validate_replicated

ValidationMode = Literal["strict", "connectivity", "warn", "ignore"]
NEUTRAL_NOTE = " (no effect on connectivity; --validate strict refuses it)"

KIND_VALIDATORS: dict[str, Callable[[dict[str, Any]], list[FieldError]]] = {
    "NetworkPolicy": validate_network_policy,
    "Namespace": validate_namespace,
    "Pod": validate_pod,
    "Service": validate_service,
    "Deployment": validate_replicated,
    "StatefulSet": validate_replicated,
    "DaemonSet": validate_replicated,
    "ReplicaSet": validate_replicated,
    "ReplicationController": validate_replication_controller,
    "Job": validate_job,
    "CronJob": validate_cron_job,
    "AdminNetworkPolicy": validate_tier_policy,
    "BaselineAdminNetworkPolicy": validate_tier_policy,
    "ClusterNetworkPolicy": validate_tier_policy,
    "Node": validate_node,
    "CiliumNetworkPolicy": validate_cilium_policy,
    "CiliumClusterwideNetworkPolicy": validate_cilium_policy,
    "CiliumCIDRGroup": validate_cidr_group,
}
SCHEMAS = {**KIND_SCHEMAS, **TIER_KIND_SCHEMAS, **CILIUM_KIND_SCHEMAS}


def field_errors(data: dict[str, Any], mode: ValidationMode = "strict") -> list[FieldError]:
    """All errors (and warnings, per ``mode``) of one manifest object."""
    kind = data.get("kind")
    if is_calico(data.get("apiVersion"), kind):
        return calico_field_errors(data, mode == "warn", mode != "ignore")
    if not isinstance(kind, str) or kind not in SERVED:
        return []
    version_error = check_api_version(kind, data.get("apiVersion"))
    if version_error is not None:
        if mode == "strict" or reading_of(kind, version_error.path, version_error.message) is None:
            return [version_error]
        return _neutral_as_warnings(kind, [version_error, *field_errors(_served(data), mode)])
    decoded = decode(data, SCHEMAS[kind])
    unknown = [
        FieldError(path, unknown_field_message(path), warning=mode == "warn")
        for path in decoded.unknown_fields
        if mode != "ignore"
    ]
    if mode == "strict":
        if decoded.type_errors:
            return decoded.type_errors + unknown
        return unknown + KIND_VALIDATORS[kind](data)
    if any(is_relevant(kind, e.path, e.message) for e in decoded.type_errors):
        return _neutral_as_warnings(kind, decoded.type_errors + unknown)
    # Only neutral fields have wrong types: check the rest without them.
    readable = _without(data, [e.path for e in decoded.type_errors])
    found = decoded.type_errors + unknown + KIND_VALIDATORS[kind](readable)
    return _neutral_as_warnings(kind, found)


def _neutral_as_warnings(kind: str, errors: Sequence[FieldError]) -> list[FieldError]:
    return [e if e.warning else _as_warning(kind, e) for e in errors]


def _as_warning(kind: str, error: FieldError) -> FieldError:
    """A warning for a problem analysis can read past (saying how), else the error itself."""
    if not is_relevant(kind, error.path, error.message):
        return replace(error, message=error.message + NEUTRAL_NOTE, warning=True)
    reading = reading_of(kind, error.path, error.message)
    if reading is None:
        return error
    note = f" ({reading}; --validate strict refuses it)"
    return replace(error, message=error.message + note, warning=True)


def _served(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` under the apiVersion that serves its kind today."""
    return {**data, "apiVersion": SERVED[str(data["kind"])]}


def _without(data: dict[str, Any], paths: Sequence[Path]) -> dict[str, Any]:
    """A copy of ``data`` with the fields at ``paths`` removed (deepest and last first);
    ``data`` itself when there are none (the validators only read it)."""
    if not paths:
        return data
    pruned = copy.deepcopy(data)
    order = sorted(paths, key=lambda p: (len(p), p[-1] if isinstance(p[-1], int) else -1))
    for path in reversed(order):
        parent: Any = pruned
        for part in path[:-1]:
            parent = parent[part]
        if isinstance(parent, dict):
            parent.pop(path[-1], None)
        elif isinstance(parent, list) and isinstance(path[-1], int):
            parent.pop(path[-1])
    return pruned


def validate_document(doc: Document, mode: ValidationMode = "strict") -> list[Problem]:
    """All problems of one document (unknown fields per ``mode``)."""
    if not isinstance(doc.data, dict):
        return []
    return [
        Problem(
            source=doc.source_of(error.path),
            message=error.message,
            obj=doc.ident(),
            field=render_path(error.path),
            severity="warning" if error.warning else "error",
        )
        for error in field_errors(doc.data, mode)
    ]
