"""Label and label-selector checks (``ValidateLabels``, ``ValidateLabelSelector``)."""

from __future__ import annotations

from typing import Any

from netfence.load.document import Path
from netfence.validate.access import items, obj, string_map, text
from netfence.validate.errors import FieldError, forbidden, invalid, invalid_each, required
from netfence.validate.names import is_label_value, is_qualified_name

OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist")


def validate_label_name(key: str, path: Path) -> list[FieldError]:
    return invalid_each(path, key, is_qualified_name(key))


def validate_labels(labels: Any, path: Path) -> list[FieldError]:
    """Every key a qualified name and every value a label value; errors name the map itself."""
    errors: list[FieldError] = []
    for key, value in string_map(labels).items():
        errors.extend(validate_label_name(key, path))
        errors.extend(invalid_each(path, value, is_label_value(value)))
    return errors


def validate_requirement(requirement: Any, path: Path) -> list[FieldError]:
    """One ``matchExpressions`` entry: operator and values agree, key and values are valid."""
    requirement = obj(requirement)
    operator = text(requirement.get("operator"))
    values = [text(v) for v in items(requirement.get("values"))]
    errors: list[FieldError] = []
    if operator in ("In", "NotIn"):
        if not values:
            errors.append(
                required((*path, "values"), "must be specified when `operator` is 'In' or 'NotIn'")
            )
    elif operator in ("Exists", "DoesNotExist"):
        if values:
            errors.append(
                forbidden(
                    (*path, "values"),
                    "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                )
            )
    else:
        errors.append(invalid((*path, "operator"), operator, "not a valid selector operator"))
    errors.extend(validate_label_name(text(requirement.get("key")), (*path, "key")))
    for index, value in enumerate(values):
        errors.extend(invalid_each((*path, "values", index), value, is_label_value(value)))
    return errors


def validate_label_selector(selector: Any, path: Path) -> list[FieldError]:
    """``matchLabels`` then each ``matchExpressions`` entry; null selects everything."""
    selector = obj(selector)
    errors = validate_labels(selector.get("matchLabels"), (*path, "matchLabels"))
    for index, requirement in enumerate(items(selector.get("matchExpressions"))):
        errors.extend(validate_requirement(requirement, (*path, "matchExpressions", index)))
    return errors


def selector_matches(selector: Any, labels: dict[str, str]) -> bool:
    """Whether a (valid) label selector selects ``labels``."""
    selector = obj(selector)
    for key, value in string_map(selector.get("matchLabels")).items():
        if labels.get(key) != value:
            return False
    for requirement in items(selector.get("matchExpressions")):
        requirement = obj(requirement)
        key = text(requirement.get("key"))
        operator = text(requirement.get("operator"))
        values = {text(v) for v in items(requirement.get("values"))}
        if operator == "In" and labels.get(key) not in values:
            return False
        if operator == "NotIn" and key in labels and labels[key] in values:
            return False
        if operator == "Exists" and key not in labels:
            return False
        if operator == "DoesNotExist" and key in labels:
            return False
    return True


def is_empty_selector(selector: Any) -> bool:
    selector = obj(selector)
    return not string_map(selector.get("matchLabels")) and not items(
        selector.get("matchExpressions")
    )
