"""Label selectors from their manifest form (shared by every kind's builder)."""

from __future__ import annotations

from typing import Any, cast

from netfence.model.types import LabelSelector, Operator, Requirement, freeze_labels


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def selector(data: Any) -> LabelSelector:
    """A LabelSelector from its manifest form (``None`` or ``{}`` match everything)."""
    data = _dict(data)
    labels = {
        str(k): "" if v is None else str(v) for k, v in _dict(data.get("matchLabels")).items()
    }
    requirements = tuple(
        Requirement(
            key=str(expr.get("key", "")),
            operator=cast(Operator, expr.get("operator")),
            values=frozenset("" if v is None else str(v) for v in _list(expr.get("values"))),
        )
        for expr in _list(data.get("matchExpressions"))
    )
    return LabelSelector(freeze_labels(labels), requirements)
