"""Behavioural classes: endpoints that every matrix of an analysis treats alike, across
namespaces.

Two classes of nodes behave alike when, in every matrix, their rows are equal and their
columns are equal: then every pair between two behavioural classes gets one answer (the four
cells between two such classes are equal too), so a behavioural class is a group whose cells
are never partial. Refining by each matrix in turn keeps one matrix in memory at a time.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np


def behaviours(matrices: Iterable[np.ndarray], alone: np.ndarray) -> np.ndarray:
    """The behavioural class of each class of ``matrices`` ([class, class], booleans): classes
    are merged when their rows and their columns are equal in every matrix; classes marked
    ``alone`` (the external ranges) are never merged. Numbered from 0 in order of first class."""
    labels = [-k - 1 if lone else 0 for k, lone in enumerate(alone.tolist())]
    for matrix in matrices:
        rows = np.packbits(matrix, axis=1)
        columns = np.packbits(np.ascontiguousarray(matrix.T), axis=1)  # faster than strided
        keys: dict[tuple[int, bytes, bytes], int] = {}
        labels = [
            keys.setdefault((label, rows[k].tobytes(), columns[k].tobytes()), len(keys))
            for k, label in enumerate(labels)
        ]
    first: dict[int, int] = {}
    return np.array([first.setdefault(label, len(first)) for label in labels], dtype=np.int64)
