"""Problems found in the input, as values: one clear line each at the CLI edge."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from netfence.sanitize import clean

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Source:
    """Where an object came from: file (or ``-`` for stdin), document index, 1-based line."""

    file: str
    doc: int = 0
    line: int = 1

    def at(self, line: int) -> Source:
        """The same document, another line."""
        return Source(self.file, self.doc, line)


@dataclass(frozen=True)
class Problem:
    """One error or warning about the input, naming file, line, object and field path."""

    source: Source
    message: str
    obj: str = ""
    field: str = ""
    severity: Severity = "error"

    def render(self) -> str:
        """``file:line: Kind/namespace/name: field.path: message``."""
        where = self.source.file
        parts = [f"{where}:{self.source.line}" if self.source.line > 0 else where]
        if self.obj:
            parts.append(self.obj)
        if self.field:
            parts.append(self.field)
        parts.append(self.message)
        prefix = "warning: " if self.severity == "warning" else ""
        return clean(prefix + ": ".join(parts))

    def as_dict(self) -> dict[str, object]:
        """JSON-friendly form."""
        return {
            "file": self.source.file,
            "document": self.source.doc,
            "line": self.source.line,
            "object": self.obj,
            "field": self.field,
            "message": self.message,
            "severity": self.severity,
        }


class InputError(Exception):
    """Bad input that stops a command: carries the problems to print, one per line."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.render() for p in problems))
        self.problems = problems
