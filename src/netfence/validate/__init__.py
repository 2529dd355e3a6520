"""The checks kube-apiserver makes on create, as Problems naming file, line and field path.

``validate_document`` runs, for one document: the apiVersion check, the strict decoder's
checks (JSON types and unknown fields, see ``schema``), then, when the document decodes,
the kind's semantic validation (``networkpolicy``, ``pod``, ``workloads``, ``service``,
``namespace``), each error carrying the apiserver's field path and message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from netfence.load.document import Document, render_path
from netfence.problems import Problem
from netfence.validate.adminpolicy import validate_node, validate_tier_policy
from netfence.validate.adminpolicy_schema import TIER_KIND_SCHEMAS
from netfence.validate.apiversions import SERVED, check_api_version
from netfence.validate.decode import decode, unknown_field_message
from netfence.validate.errors import FieldError
from netfence.validate.namespace import validate_namespace
from netfence.validate.networkpolicy import validate_network_policy
from netfence.validate.pod import validate_pod
from netfence.validate.schema import KIND_SCHEMAS
from netfence.validate.service import validate_service
from netfence.validate.workloads import validate_cron_job, validate_job, validate_replicated

ValidationMode = Literal["strict", "warn", "ignore"]

KIND_VALIDATORS: dict[str, Callable[[dict[str, Any]], list[FieldError]]] = {
    "NetworkPolicy": validate_network_policy,
    "Namespace": validate_namespace,
    "Pod": validate_pod,
    "Service": validate_service,
    "Deployment": validate_replicated,
    "StatefulSet": validate_replicated,
    "DaemonSet": validate_replicated,
    "ReplicaSet": validate_replicated,
    "Job": validate_job,
    "CronJob": validate_cron_job,
    "AdminNetworkPolicy": validate_tier_policy,
    "BaselineAdminNetworkPolicy": validate_tier_policy,
    "ClusterNetworkPolicy": validate_tier_policy,
    "Node": validate_node,
}
SCHEMAS = {**KIND_SCHEMAS, **TIER_KIND_SCHEMAS}


def field_errors(data: dict[str, Any], mode: ValidationMode = "strict") -> list[FieldError]:
    """All errors (and unknown-field warnings in ``warn`` mode) of one manifest object."""
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in SERVED:
        return []
    version_error = check_api_version(kind, data.get("apiVersion"))
    if version_error is not None:
        return [version_error]
    decoded = decode(data, SCHEMAS[kind])
    found: list[FieldError] = []
    if mode != "ignore":
        found = [
            FieldError(path, unknown_field_message(path), warning=mode == "warn")
            for path in decoded.unknown_fields
        ]
    if decoded.type_errors:
        return decoded.type_errors + found
    return found + KIND_VALIDATORS[kind](data)


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
