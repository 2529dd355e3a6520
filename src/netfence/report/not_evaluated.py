"""Saying which objects of policy-like kinds were read but not evaluated (never silently)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from netfence.model import UnevaluatedObject
from netfence.model.types import group_by_kind


def _objects(count: int, kind: str) -> str:
    return f"{count} {kind} object{'s' if count != 1 else ''}"


def not_evaluated_lines(objects: Sequence[UnevaluatedObject]) -> list[str]:
    """One line per kind: ``3 CiliumNetworkPolicy objects are not evaluated: verdicts ignore
    them``."""
    return [
        f"{_objects(len(objects), kind)} {'are' if len(objects) != 1 else 'is'} not "
        f"evaluated: verdicts ignore {'them' if len(objects) != 1 else 'it'}"
        for kind, objects in group_by_kind(objects).items()
    ]


def not_evaluated_json(objects: Sequence[UnevaluatedObject]) -> list[dict[str, Any]]:
    """``[{"kind", "apiVersions", "count", "objects": ["ns/name", ...]}]``, one per kind."""
    return [
        {
            "kind": kind,
            "apiVersions": sorted({o.api_version for o in objects}),
            "count": len(objects),
            "objects": [o.id for o in objects],
        }
        for kind, objects in group_by_kind(objects).items()
    ]
