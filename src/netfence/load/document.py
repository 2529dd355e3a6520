"""A parsed manifest document: plain data plus where each field came from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from netfence.problems import Source

Path = tuple[str | int, ...]


def render_path(path: Path) -> str:
    """``("spec", "ingress", 0, "from")`` -> ``spec.ingress[0].from``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


@dataclass(frozen=True)
class Document:
    """One YAML/JSON document (or one item of a ``kind: List``)."""

    source: Source
    data: Any
    lines: Mapping[Path, int]
    base: Path = ()

    def line_of(self, path: Path) -> int:
        """The line of the nearest part of ``path`` that was written in the file."""
        full = self.base + tuple(path)
        while full:
            line = self.lines.get(full)
            if line is not None:
                return line
            full = full[:-1]
        return self.source.line

    def source_of(self, path: Path) -> Source:
        """The source position of a field path inside this document."""
        return self.source.at(self.line_of(path))

    def item(self, path: Path, value: Any) -> Document:
        """A sub-document (a ``kind: List`` item) that keeps line lookups working."""
        full = self.base + tuple(path)
        return Document(self.source.at(self.line_of(path)), value, self.lines, full)

    @property
    def kind(self) -> str:
        return str(self.data.get("kind", "")) if isinstance(self.data, dict) else ""

    @property
    def api_version(self) -> str:
        return str(self.data.get("apiVersion", "")) if isinstance(self.data, dict) else ""

    def metadata(self) -> dict[str, Any]:
        meta = self.data.get("metadata") if isinstance(self.data, dict) else None
        return meta if isinstance(meta, dict) else {}

    @property
    def name(self) -> str:
        name = self.metadata().get("name")
        return name if isinstance(name, str) else ""

    @property
    def namespace(self) -> str:
        namespace = self.metadata().get("namespace")
        return namespace if isinstance(namespace, str) else ""

    def ident(self) -> str:
        """``Kind/namespace/name`` (``Kind/name`` for cluster-scoped kinds)."""
        kind = self.kind or "Object"
        name = self.name or "<unnamed>"
        if kind == "Namespace" or not self.namespace:
            return f"{kind}/{name}"
        return f"{kind}/{self.namespace}/{name}"
