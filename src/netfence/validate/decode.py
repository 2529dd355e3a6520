"""The strict decoder's view of a document: wrong JSON types and unknown fields.

JSON ``null`` is accepted everywhere (Go decodes it as the zero value). Integral floats
(``80.0``) are integers, as they are after kubectl's YAML-to-JSON conversion.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from netfence.load.document import Path, render_path
from netfence.validate.errors import FieldError, go_value, quote
from netfence.validate.schema import ListOf, MapOf, Scalar, SchemaNode, Struct

_INT_RANGES = {Scalar.INT32: 2**31, Scalar.INT64: 2**63}


@dataclass(frozen=True)
class Decoded:
    """Type errors (the object cannot be decoded) and unknown field paths."""

    type_errors: list[FieldError]
    unknown_fields: list[Path]


def decode(data: Any, schema: Struct) -> Decoded:
    """Check ``data`` against ``schema``: all type errors and unknown fields, in order."""
    type_errors: list[FieldError] = []
    unknown: list[Path] = []
    for path, message in _walk(data, schema, ()):
        if message is None:
            unknown.append(path)
        else:
            type_errors.append(FieldError(path, message))
    return Decoded(type_errors, unknown)


def unknown_field_message(path: Path) -> str:
    return f'unknown field "{render_path(path)}"'


def describe(value: Any) -> str:
    """A JSON value's type and, for scalars, the value itself."""
    if isinstance(value, bool):
        return f"boolean {go_value(value)}"
    if isinstance(value, (int, float)):
        return f"number {go_value(value)}"
    if isinstance(value, str):
        return f"string {go_value(value)}"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _type_error(expected: str, value: Any) -> str:
    return f"Invalid type: expected {expected}, got {describe(value)}"


def _is_integer(value: Any, scalar: Scalar) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
        return False
    limit = _INT_RANGES[scalar]
    return -limit <= int(value) < limit


def _scalar_ok(value: Any, scalar: Scalar) -> bool:
    if scalar is Scalar.ANY:
        return True
    if scalar is Scalar.STRING:
        return isinstance(value, str)
    if scalar is Scalar.BOOL:
        return isinstance(value, bool)
    if scalar is Scalar.OBJECT:
        return isinstance(value, dict)
    if scalar is Scalar.INT_OR_STRING:
        return isinstance(value, str) or _is_integer(value, Scalar.INT32)
    return _is_integer(value, scalar)


def _walk(value: Any, node: SchemaNode, path: Path) -> Iterator[tuple[Path, str | None]]:
    """(path, message) for each type error, (path, None) for each unknown field."""
    if value is None:
        return
    if isinstance(node, Scalar):
        if not _scalar_ok(value, node):
            yield path, _type_error(node.value, value)
    elif isinstance(node, Struct):
        if not isinstance(value, dict):
            yield path, _type_error(f"an object ({node.name})", value)
            return
        for key, child in value.items():
            field = node.fields.get(key)
            if field is None:
                yield (*path, key), None
            else:
                yield from _walk(child, field, (*path, key))
    elif isinstance(node, ListOf):
        if not isinstance(value, list):
            yield path, _type_error("a list", value)
            return
        for index, item in enumerate(value):
            yield from _walk(item, node.item, (*path, index))
    else:
        yield from _walk_map(value, node, path)


def _walk_map(value: Any, node: MapOf, path: Path) -> Iterator[tuple[Path, str | None]]:
    if not isinstance(value, dict):
        yield path, _type_error("a map", value)
        return
    for key, item in value.items():
        if isinstance(node.value, Scalar):
            if item is not None and not _scalar_ok(item, node.value):
                yield path, _type_error(f"{node.value.value} values (key {quote(key)})", item)
        else:
            yield from _walk(item, node.value, (*path, key))
