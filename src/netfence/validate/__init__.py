"""The checks kube-apiserver makes on create, as Problems naming file, line and field path."""

from __future__ import annotations

from typing import Literal

from netfence.load.document import Document
from netfence.problems import Problem

ValidationMode = Literal["strict", "warn", "ignore"]


def validate_document(doc: Document, mode: ValidationMode = "strict") -> list[Problem]:
    """All problems of one document (unknown fields per ``mode``)."""
    return []
