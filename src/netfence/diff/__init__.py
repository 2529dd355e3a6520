"""Semantic comparison of two policy sets through the engine (sides are read by ``sides``)."""

from netfence.diff.compare import compare
from netfence.diff.result import Change, DiffResult

__all__ = ["Change", "DiffResult", "compare"]
