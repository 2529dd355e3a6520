"""Namespace checks (``ValidateNamespace`` on create)."""

from __future__ import annotations

from typing import Any

from netfence.validate.access import items, obj, text
from netfence.validate.errors import FieldError, invalid_each
from netfence.validate.meta import kube_finalizer_errors, validate_object_meta
from netfence.validate.names import is_qualified_name, name_is_dns_label


def validate_namespace(data: dict[str, Any]) -> list[FieldError]:
    """A DNS-label name, valid metadata, and qualified ``spec.finalizers``."""
    errors = validate_object_meta(data.get("metadata"), name_is_dns_label, namespaced=False)
    path = ("spec", "finalizers")
    for finalizer in items(obj(data.get("spec")).get("finalizers")):
        name = text(finalizer)
        errors += invalid_each(path, name, is_qualified_name(name))
        errors += kube_finalizer_errors(name, path)
    return errors
