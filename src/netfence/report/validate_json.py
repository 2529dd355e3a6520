"""``netfence validate --format json``: whether the input is valid, its errors and warnings."""

from __future__ import annotations

from typing import Any

from netfence.inputs import Inputs


def validate_json(inputs: Inputs) -> dict[str, Any]:
    return {
        "valid": not inputs.errors,
        "documents": len(inputs.documents),
        "errors": [p.as_dict() for p in inputs.errors],
        "warnings": [p.as_dict() for p in inputs.warnings],
        "skipped": inputs.notes,
    }
