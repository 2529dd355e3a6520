"""Equal rows of arrays, found fast: what classes and patterns are made of."""

from __future__ import annotations

import numpy as np


def distinct_rows(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each distinct row of a 2-D array first occurs, and each row's distinct number:
    ``np.unique(axis=0, return_index=True, return_inverse=True)``, but comparing each row as
    one byte string (so numbered in byte order, not numeric order), many times faster."""
    rows = np.ascontiguousarray(rows)
    keys = rows.view(np.dtype((np.void, rows.dtype.itemsize * rows.shape[1]))).reshape(-1)
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    return first, inverse.reshape(-1)
