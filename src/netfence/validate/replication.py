"""ReplicationController checks (core v1), as kube-apiserver makes them on create.

A ReplicationController's selector is a plain label map, not a LabelSelector; when it is
empty the apiserver defaults it to the pod template's labels, and after that it must not be
empty and must match the template's labels. The template is required and restarts Always.
"""

from __future__ import annotations

from typing import Any

from netfence.load.document import Path
from netfence.validate.access import number, obj, present, string_map, text
from netfence.validate.errors import FieldError, invalid, not_supported, required
from netfence.validate.meta import validate_object_meta
from netfence.validate.names import name_is_dns_subdomain
from netfence.validate.pod import validate_pod_template
from netfence.validate.selectors import validate_labels

_MISMATCH = "`selector` does not match template `labels`"


def effective_selector(spec: dict[str, Any]) -> dict[str, str]:
    """The selector after defaulting: the template's labels when none is given."""
    selector = string_map(spec.get("selector"))
    if selector:
        return selector
    return string_map(obj(obj(spec.get("template")).get("metadata")).get("labels"))


def validate_replication_controller(data: dict[str, Any]) -> list[FieldError]:
    """``ValidateReplicationController``: metadata, counts, selector and pod template."""
    path: Path = ("spec",)
    spec = obj(data.get("spec"))
    errors = validate_object_meta(data.get("metadata"), name_is_dns_subdomain, namespaced=True)
    for field in ("replicas", "minReadySeconds"):
        value = number(spec.get(field))
        if value < 0:
            errors.append(invalid((*path, field), value, "must be greater than or equal to 0"))
    selector = effective_selector(spec)
    errors += validate_labels(spec.get("selector"), (*path, "selector"))
    if not selector:
        errors.append(required((*path, "selector")))
    if not present(spec.get("template")):
        return [*errors, required((*path, "template"))]
    template = obj(spec["template"])
    labels = string_map(obj(template.get("metadata")).get("labels"))
    if selector and any(labels.get(key) != value for key, value in selector.items()):
        pairs = ", ".join(f'"{k}":"{v}"' for k, v in sorted(labels.items()))
        errors.append(
            FieldError(
                (*path, "template", "metadata", "labels"),
                f"Invalid value: map[string]string{{{pairs}}}: {_MISMATCH}",
            )
        )
    errors += validate_pod_template(template, (*path, "template"))
    restart = text(obj(template.get("spec")).get("restartPolicy")) or "Always"
    if restart != "Always":
        errors.append(
            not_supported((*path, "template", "spec", "restartPolicy"), restart, ["Always"])
        )
    return errors
