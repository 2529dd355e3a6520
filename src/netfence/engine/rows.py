"""Equal rows of arrays, found fast, and matrices moved onto the classes they make."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def distinct_rows(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each distinct row of a 2-D array first occurs, and each row's distinct number:
    ``np.unique(axis=0, return_index=True, return_inverse=True)``, but comparing each row as
    one byte string (so numbered in byte order, not numeric order), many times faster."""
    rows = np.ascontiguousarray(rows)
    keys = rows.view(np.dtype((np.void, rows.dtype.itemsize * rows.shape[1]))).reshape(-1)
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    return first, inverse.reshape(-1)


def distinct_codes(
    columns: Sequence[np.ndarray], sizes: Sequence[int]
) -> tuple[np.ndarray, np.ndarray]:
    """``distinct_rows`` of the rows that ``columns`` (1-D, of numbers below ``sizes``) make,
    numbered in numeric order: one integer key per row when it fits in 63 bits."""
    if np.prod([float(max(size, 1)) for size in sizes]) >= 2.0**63:
        return distinct_rows(np.stack(columns, axis=-1))
    key = np.zeros(len(columns[0]), dtype=np.int64)
    for column, size in zip(columns, sizes, strict=True):
        key = key * max(size, 1) + column
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    return first, inverse.reshape(-1)


def on_joint(matrix: np.ndarray, picks: np.ndarray) -> np.ndarray:
    """A [class, class] matrix on finer (joint) classes, ``picks`` holding each one's class:
    the matrix itself (read-only, maybe shared) when they are the same classes."""
    if len(picks) == len(matrix) and bool((picks == np.arange(len(picks))).all()):
        return matrix
    joint: np.ndarray = matrix.take(picks, axis=0).take(picks, axis=1)
    return joint
