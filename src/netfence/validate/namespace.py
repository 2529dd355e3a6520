"""Namespace checks (``ValidateNamespace`` on create)."""

from __future__ import annotations

from typing import Any

from netfence.validate.access import obj
from netfence.validate.errors import FieldError
from netfence.validate.meta import validate_finalizers, validate_object_meta
from netfence.validate.names import name_is_dns_label


def validate_namespace(data: dict[str, Any]) -> list[FieldError]:
    """A DNS-label name, valid metadata, and qualified ``spec.finalizers``."""
    errors = validate_object_meta(data.get("metadata"), name_is_dns_label, namespaced=False)
    finalizers = obj(data.get("spec")).get("finalizers")
    return errors + validate_finalizers(finalizers, ("spec", "finalizers"))
