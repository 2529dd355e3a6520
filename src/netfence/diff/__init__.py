"""Semantic comparison of two policy sets through the engine (sides are read by ``sides``)."""

from netfence.callables import make_callable
from netfence.diff.compare import compare
from netfence.diff.result import Change, DiffResult

__all__ = ["Change", "DiffResult", "compare"]

make_callable(__name__)  # netfence.diff(...) is netfence.api.diff
