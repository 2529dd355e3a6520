"""Equal rows of arrays, found fast, and matrices moved onto the classes they make."""

from __future__ import annotations

import numpy as np

COUNTED = 1 << 24
"""Keys are numbered by counting, not sorting, below their number, or below this when that
is at most ``SPARSE`` times their number (a count per possible key costs memory)."""
SPARSE = 8


BLOCK_CELLS = 1 << 20
"""Cells of a square table worked on per step (bounds the temporary tables)."""


def row_blocks(size: int) -> list[slice]:
    """The rows of a ``size`` x ``size`` table, a block of about ``BLOCK_CELLS`` cells at a
    time."""
    step = max(1, BLOCK_CELLS // max(size, 1))
    return [slice(start, start + step) for start in range(0, size, step)]


def numbered(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(keys, return_index=True, return_inverse=True)`` for 1-D integer keys, by
    counting them where that is cheaper than sorting (several times faster)."""
    if not _countable(keys):
        _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        return first, inverse.reshape(-1)
    distinct, inverse = _counted(keys)
    first = np.full(len(distinct), len(keys), dtype=np.int64)
    np.minimum.at(first, inverse, np.arange(len(keys)))
    return first, inverse


def _countable(keys: np.ndarray) -> bool:
    limit = max(min(COUNTED, SPARSE * len(keys)), len(keys))
    return bool(len(keys)) and int(keys.min()) >= 0 and int(keys.max()) < limit


def _counted(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct keys, ascending, and each key's number among them, by counting."""
    small = keys.astype(np.intp, copy=False)
    present = np.bincount(small) > 0
    rank = np.cumsum(present) - 1
    return np.flatnonzero(present), rank[small]


def _distinct_keys(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct keys, ascending, and each key's number among them."""
    if _countable(keys):
        return _counted(keys)
    distinct, inverse = np.unique(keys, return_inverse=True)
    return distinct, inverse.reshape(-1)


def _row_keys(data: np.ndarray) -> np.ndarray:
    """Rows of up to 8 bytes as integers that sort as the bytes do: the bytes read as one
    big-endian number (below 256 to the row width, so small enough to count for narrow
    rows)."""
    wide = np.uint64 if data.shape[1] > 7 else np.intp  # an intp holds 7 bytes without a sign
    key = np.zeros(len(data), dtype=wide)
    for column in range(data.shape[1]):
        key <<= wide(8)
        key |= data[:, column]
    return key


def _byte_rows(rows: np.ndarray) -> np.ndarray:
    rows = np.ascontiguousarray(rows)
    return rows.view(np.uint8).reshape(len(rows), rows.shape[1] * rows.dtype.itemsize)


def _row_numbers(data: np.ndarray) -> np.ndarray:
    """Each byte row's number among the distinct rows, in byte order (eight bytes at a time
    as one integer)."""
    code = np.zeros(len(data), dtype=np.int64)
    for start in range(0, data.shape[1], 8):
        _, part = _distinct_keys(_row_keys(data[:, start : start + 8]))
        if start:
            _, code = _distinct_keys(code * (int(part.max(initial=0)) + 1) + part)
        else:
            code = part
    return code


def distinct_rows(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each distinct row of a 2-D array first occurs, and each row's distinct number:
    ``np.unique(axis=0, return_index=True, return_inverse=True)``, but comparing each row as
    one byte string (so numbered in byte order, not numeric order), many times faster."""
    return numbered(_row_numbers(_byte_rows(rows)))


def distinct_byte_rows(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of a 2-D ``uint8`` array in byte order, and each row's number
    (``distinct_rows`` without looking for where each first occurs)."""
    data = _byte_rows(rows)
    if 0 < data.shape[1] <= 8:
        return _bytewise(data)
    first, inverse = numbered(_row_numbers(data))
    return data[first], inverse


def _bytewise(data: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``distinct_byte_rows`` one byte column at a time: each step counts at most 256 keys
    per distinct prefix (no table of every possible row)."""
    code = np.zeros(len(data), dtype=np.intp)
    steps = []
    for column in range(data.shape[1]):
        keys, code = _counted(code * 256 + data[:, column])
        steps.append(keys)
    content = np.empty((len(steps[-1]), data.shape[1]), dtype=np.uint8)
    prefix = np.arange(len(steps[-1]))
    for column in reversed(range(data.shape[1])):
        key = steps[column][prefix]
        content[:, column] = key % 256
        prefix = key // 256
    return content, code


def on_joint(matrix: np.ndarray, picks: np.ndarray) -> np.ndarray:
    """A [class, class] matrix on finer (joint) classes, ``picks`` holding each one's class:
    the matrix itself (read-only, maybe shared) when they are the same classes."""
    if len(picks) == len(matrix) and bool((picks == np.arange(len(picks))).all()):
        return matrix
    joint: np.ndarray = matrix.take(picks, axis=0).take(picks, axis=1)
    return joint


def joined(columns: tuple[np.ndarray, ...]) -> np.ndarray:
    """One number per row of ``columns`` (non-negative integers): equal rows, equal numbers."""
    found = np.zeros(len(columns[0]), dtype=np.int64)
    for column in columns:
        _, numbers = numbered(column.astype(np.int64))
        found = found * (int(numbers.max(initial=0)) + 1) + numbers
        _, found = numbered(found)
    return found
