"""One generated manifest with the file it goes to and why it exists: what generating
produces and rendering writes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Item:
    """One generated manifest, the file it goes to, and comment lines saying why it exists."""

    file: str
    manifest: dict[str, Any]
    why: tuple[str, ...]

    @property
    def kind(self) -> str:
        return str(self.manifest["kind"])
