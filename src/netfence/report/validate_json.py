"""``netfence validate --format json``: whether the input is valid, its errors and warnings."""

from __future__ import annotations

from typing import Any

from netfence.inputs import Inputs
from netfence.report.not_evaluated import not_evaluated_json


def validate_json(inputs: Inputs) -> dict[str, Any]:
    return {
        "valid": not inputs.errors,
        "documents": len(inputs.documents),
        "errors": [p.as_dict() for p in inputs.errors],
        "warnings": [p.as_dict() for p in inputs.warnings],
        "skipped": inputs.notes,
        "skipped_files": inputs.notices,
        "not_evaluated": not_evaluated_json(inputs.cluster.not_evaluated),
    }
