"""Reading type-checked manifest data the way Go decodes it (null is the zero value)."""

from __future__ import annotations

from typing import Any


def obj(value: Any) -> dict[str, Any]:
    """An object field; null or absent is the empty object."""
    return value if isinstance(value, dict) else {}


def items(value: Any) -> list[Any]:
    """A list field; null or absent is the empty list."""
    return value if isinstance(value, list) else []


def text(value: Any) -> str:
    """A string field; null or absent is the empty string."""
    return value if isinstance(value, str) else ""


def number(value: Any) -> int:
    """An integer field; null or absent is zero (integral floats were accepted as ints)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return 0
    return int(value)


def string_map(value: Any) -> dict[str, str]:
    """A ``map[string]string`` field; null values are empty strings."""
    return {str(k): text(v) for k, v in obj(value).items()}


def present(value: Any) -> bool:
    """A pointer field is set: written and not null."""
    return value is not None
