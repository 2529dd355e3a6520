"""Field errors worded as kube-apiserver words them (``k8s.io/apimachinery`` field errors)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from netfence.load.document import Path


@dataclass(frozen=True)
class FieldError:
    """One problem at a field path, before it is tied to a file and line."""

    path: Path
    message: str
    warning: bool = False


def go_value(value: Any) -> str:
    """A bad value printed the way the apiserver prints it (strings quoted, numbers bare)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return quote(value)
    return json.dumps(value, sort_keys=True, default=str)


def quote(text: str) -> str:
    """A double-quoted string, as Go's ``%q`` writes it."""
    return json.dumps(text, ensure_ascii=False)


def invalid(path: Path, value: Any, detail: str) -> FieldError:
    return FieldError(path, f"Invalid value: {go_value(value)}: {detail}")


def invalid_each(path: Path, value: Any, details: Iterable[str]) -> list[FieldError]:
    """One ``Invalid value`` error per message of a name checker."""
    return [invalid(path, value, detail) for detail in details]


def required(path: Path, detail: str = "") -> FieldError:
    return FieldError(path, f"Required value: {detail}" if detail else "Required value")


def forbidden(path: Path, detail: str) -> FieldError:
    return FieldError(path, f"Forbidden: {detail}")


def duplicate(path: Path, value: Any) -> FieldError:
    return FieldError(path, f"Duplicate value: {go_value(value)}")


def not_supported(path: Path, value: Any, supported: Iterable[str]) -> FieldError:
    values = ", ".join(quote(s) for s in supported)
    return FieldError(path, f"Unsupported value: {go_value(value)}: supported values: {values}")


def too_long(path: Path, limit: int) -> FieldError:
    return FieldError(path, f"Too long: may not be more than {limit} bytes")
