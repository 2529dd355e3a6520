"""A lint finding: which rule, how bad, what and where, and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from netfence.problems import Source

Severity = Literal["error", "warning", "info"]
SEVERITY_RANK: dict[str, int] = {"info": 1, "warning": 2, "error": 3}


@dataclass(frozen=True)
class Finding:
    """One finding of one rule about one object (``Kind/namespace/name``); ``members``: the
    objects of alike findings it stands for, ``obj`` first (empty when it stands alone)."""

    rule: str
    severity: Severity
    message: str
    obj: str
    source: Source | None
    hint: str
    members: tuple[str, ...] = ()

    @property
    def namespace(self) -> str:
        """The namespace of the object (a Namespace's own name), "" when cluster-scoped."""
        parts = self.obj.split("/")
        if parts[0] == "Namespace" and len(parts) == 2:
            return parts[1]
        return parts[1] if len(parts) == 3 else ""

    def sort_key(self) -> tuple[str, int, str, str, int, str]:
        """Namespace, then most severe first, then rule, file, line and message."""
        source = self.source or Source("", 0, 0)
        return (
            self.namespace,
            -SEVERITY_RANK[self.severity],
            self.rule,
            source.file,
            source.line,
            self.message,
        )
