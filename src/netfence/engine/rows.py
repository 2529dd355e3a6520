"""Equal rows of arrays, found fast, and matrices moved onto the classes they make."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def numbered(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(keys, return_index=True, return_inverse=True)`` for 1-D integer keys, but
    from a plain sort (which NumPy vectorises) and a binary search, several times faster."""
    distinct = np.unique(keys)
    inverse = np.searchsorted(distinct, keys)
    first = np.full(len(distinct), len(keys), dtype=np.int64)
    np.minimum.at(first, inverse, np.arange(len(keys)))
    return first, inverse


def _big_endian(block: np.ndarray) -> np.ndarray:
    """Rows of up to 8 bytes as integers that sort as the bytes do."""
    padded = np.zeros((len(block), 8), dtype=np.uint8)
    padded[:, : block.shape[1]] = block
    words: np.ndarray = padded.view(">u8").reshape(-1).astype(np.uint64)
    return words


def distinct_rows(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each distinct row of a 2-D array first occurs, and each row's distinct number:
    ``np.unique(axis=0, return_index=True, return_inverse=True)``, but comparing each row as
    one byte string (so numbered in byte order, not numeric order), many times faster: eight
    bytes at a time as one integer."""
    rows = np.ascontiguousarray(rows)
    data = rows.view(np.uint8).reshape(len(rows), rows.shape[1] * rows.dtype.itemsize)
    code = np.zeros(len(data), dtype=np.int64)
    for start in range(0, data.shape[1], 8):
        _, part = numbered(_big_endian(data[:, start : start + 8]))
        code = code * (int(part.max(initial=0)) + 1) + part if start else part
        if start:
            _, code = numbered(code)
    return numbered(code)


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
    return numbered(key)


def on_joint(matrix: np.ndarray, picks: np.ndarray) -> np.ndarray:
    """A [class, class] matrix on finer (joint) classes, ``picks`` holding each one's class:
    the matrix itself (read-only, maybe shared) when they are the same classes."""
    if len(picks) == len(matrix) and bool((picks == np.arange(len(picks))).all()):
        return matrix
    joint: np.ndarray = matrix.take(picks, axis=0).take(picks, axis=1)
    return joint
