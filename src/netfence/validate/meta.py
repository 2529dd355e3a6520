"""ObjectMeta checks (``ValidateObjectMeta``): names, namespace, labels, annotations, owners."""

from __future__ import annotations

from typing import Any

from netfence.load.document import Path
from netfence.validate.access import items, number, obj, string_map, text
from netfence.validate.errors import FieldError, invalid, invalid_each, required, too_long
from netfence.validate.names import NameCheck, is_qualified_name, name_is_dns_label
from netfence.validate.selectors import validate_labels

TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024
STANDARD_FINALIZERS = frozenset({"kubernetes", "orphan", "foregroundDeletion"})
# Name generation appends five random characters to at most 58 of generateName.
_GENERATED_SUFFIX = "x7k2q"
_MAX_GENERATED_PREFIX = 58


def generated_name(generate_name: str) -> str:
    """The kind of name the apiserver makes from ``generateName`` before validating."""
    return generate_name[:_MAX_GENERATED_PREFIX] + _GENERATED_SUFFIX


def validate_object_meta(
    meta: Any, name_check: NameCheck, *, namespaced: bool, path: Path = ("metadata",)
) -> list[FieldError]:
    """All ObjectMeta errors, in the apiserver's order.

    The namespace is only checked when written: kubectl fills a missing one in from its
    context (netfence from ``--namespace``), and cluster-scoped kinds drop it on create.
    """
    meta = obj(meta)
    errors: list[FieldError] = []
    generate_name = text(meta.get("generateName"))
    name = text(meta.get("name"))
    if generate_name:
        errors += invalid_each(
            (*path, "generateName"), generate_name, name_check(generate_name, True)
        )
        name = name or generated_name(generate_name)
    if not name:
        errors.append(required((*path, "name"), "name or generateName is required"))
    else:
        errors += invalid_each((*path, "name"), name, name_check(name, False))
    namespace = text(meta.get("namespace"))
    if namespaced and namespace:
        errors += invalid_each((*path, "namespace"), namespace, name_is_dns_label(namespace, False))
    generation = number(meta.get("generation"))
    if generation < 0:
        errors.append(
            invalid((*path, "generation"), generation, "must be greater than or equal to 0")
        )
    errors += validate_labels(meta.get("labels"), (*path, "labels"))
    errors += validate_annotations(meta.get("annotations"), (*path, "annotations"))
    errors += validate_owner_references(meta.get("ownerReferences"), (*path, "ownerReferences"))
    errors += validate_finalizers(meta.get("finalizers"), (*path, "finalizers"))
    return errors


def validate_annotations(annotations: Any, path: Path) -> list[FieldError]:
    """Keys are qualified names (case-insensitive); keys and values total at most 256 KiB."""
    values = string_map(annotations)
    errors: list[FieldError] = []
    for key in values:
        errors += invalid_each(path, key, is_qualified_name(key.lower()))
    total = sum(len(k.encode()) + len(v.encode()) for k, v in values.items())
    if total > TOTAL_ANNOTATION_SIZE_LIMIT:
        errors.append(too_long(path, TOTAL_ANNOTATION_SIZE_LIMIT))
    return errors


def validate_owner_references(references: Any, path: Path) -> list[FieldError]:
    errors: list[FieldError] = []
    controllers = []
    for index, reference in enumerate(items(references)):
        reference = obj(reference)
        where = (*path, index)
        api_version = text(reference.get("apiVersion"))
        if not api_version.rsplit("/", 1)[-1]:
            errors.append(invalid((*where, "apiVersion"), api_version, "version must not be empty"))
        for field in ("kind", "name", "uid"):
            if not text(reference.get(field)):
                errors.append(invalid((*where, field), "", f"{field} must not be empty"))
        if reference.get("controller") is True:
            controllers.append(text(reference.get("name")))
    if len(controllers) > 1:
        errors.append(
            invalid(
                path,
                controllers,
                'Only one reference can have Controller set to true. Found "true" in '
                f"references for {', '.join(controllers)}",
            )
        )
    return errors


def validate_finalizers(finalizers: Any, path: Path) -> list[FieldError]:
    """Qualified names; names without a ``/`` prefix must be standard finalizers."""
    errors: list[FieldError] = []
    for index, finalizer in enumerate(items(finalizers)):
        name = text(finalizer)
        found = is_qualified_name(name)
        errors += invalid_each((*path, index), name, found)
        if not found and "/" not in name and name not in STANDARD_FINALIZERS:
            errors.append(
                invalid(
                    (*path, index),
                    name,
                    "name is neither a standard finalizer name nor is it fully qualified",
                )
            )
    return errors
