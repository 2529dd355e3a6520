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
    # pkg/apis/core adds the standard-finalizer check, naming each entry.
    for index, finalizer in enumerate(items(meta.get("finalizers"))):
        errors += kube_finalizer_errors(text(finalizer), (*path, "finalizers", index))
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


def _owner_version(api_version: str) -> str:
    """The version part of an owner's apiVersion (empty when it cannot be parsed)."""
    parts = api_version.split("/")
    return parts[-1] if len(parts) <= 2 else ""


def validate_owner_references(references: Any, path: Path) -> list[FieldError]:
    """``ValidateOwnerReferences``: errors name the list itself, not an entry of it."""
    errors: list[FieldError] = []
    first_controller = ""
    for reference in items(references):
        reference = obj(reference)
        api_version = text(reference.get("apiVersion"))
        kind = text(reference.get("kind"))
        if not _owner_version(api_version):
            errors.append(invalid((*path, "apiVersion"), api_version, "version must not be empty"))
        for field in ("kind", "name", "uid"):
            if not text(reference.get(field)):
                errors.append(invalid((*path, field), "", "must not be empty"))
        if (api_version, kind) == ("v1", "Event"):
            errors.append(
                invalid(path, reference, "/v1, Kind=Event is disallowed from being an owner")
            )
        if reference.get("controller") is True:
            controller = f"{kind}/{text(reference.get('name'))}"
            if first_controller:
                errors.append(
                    invalid(
                        path,
                        items(references),
                        'Only one reference can have Controller set to true. Found "true" in '
                        f"references for {first_controller} and {controller}",
                    )
                )
            else:
                first_controller = controller
    return errors


def validate_finalizers(finalizers: Any, path: Path) -> list[FieldError]:
    """``ValidateFinalizers``: qualified names, not both orphan and foregroundDeletion.

    Errors name the list itself (``metadata.finalizers``), as the apiserver does.
    """
    names = [text(finalizer) for finalizer in items(finalizers)]
    errors: list[FieldError] = []
    for name in names:
        errors += invalid_each(path, name, is_qualified_name(name))
    if "orphan" in names and "foregroundDeletion" in names:
        errors.append(
            invalid(path, names, "finalizer orphan and foregroundDeletion cannot be both set")
        )
    return errors


def kube_finalizer_errors(name: str, path: Path) -> list[FieldError]:
    """``validateKubeFinalizerName``: a name without a ``/`` must be a standard finalizer."""
    if "/" in name or name in STANDARD_FINALIZERS:
        return []
    return [
        invalid(path, name, "name is neither a standard finalizer name nor is it fully qualified")
    ]
