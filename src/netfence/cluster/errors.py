"""Cluster errors as values the CLI turns into one line and exit 3 (no client import here)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class ClusterError(Exception):
    """A cluster problem that stops a command: one line, naming the server tried (exit 3)."""


class ApiStatusError(ClusterError):
    """A non-success HTTP status from the API server, with its Status fields."""

    def __init__(self, message: str, status: int, reason: str, body: Mapping[str, Any]) -> None:
        super().__init__(message)
        self.status = status
        self.reason = reason
        self.body = body

    @property
    def conflicts(self) -> list[str]:
        """``conflict with "manager" using v1: .field`` for each conflict of a 409 apply.

        A Status cause's type is serialised under ``reason`` (``metav1.StatusCause``).
        """
        causes = self.body.get("details", {}).get("causes") or []
        return [
            f"{c.get('message', '')}: {c.get('field', '')}"
            for c in causes
            if isinstance(c, dict) and c.get("reason") == "FieldManagerConflict"
        ]
