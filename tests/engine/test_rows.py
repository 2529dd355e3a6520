"""``engine.rows``: distinct rows and codes numbered exactly as ``np.unique`` numbers them."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from netfence.engine.rows import distinct_byte_rows, distinct_rows, numbered

shapes = st.tuples(st.integers(0, 300), st.integers(1, 20))
dtypes = st.sampled_from([np.uint8, np.bool_, np.int64, np.uint16])


def _unique_rows(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    rows = np.ascontiguousarray(rows)
    keys = rows.view(np.dtype((np.void, rows.dtype.itemsize * rows.shape[1]))).reshape(-1)
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    return first, inverse.reshape(-1)


@settings(max_examples=200, deadline=None)
@given(shape=shapes, dtype=dtypes, values=st.integers(1, 4), seed=st.integers(0, 2**32 - 1))
def test_distinct_rows_are_numbered_in_byte_order_first_seen(
    shape: tuple[int, int], dtype: type, values: int, seed: int
) -> None:
    rows = np.random.default_rng(seed).integers(0, values, shape).astype(dtype)
    first, inverse = distinct_rows(rows)
    expected_first, expected_inverse = _unique_rows(rows)
    assert first.tolist() == expected_first.tolist()
    assert inverse.tolist() == expected_inverse.tolist()


def test_numbered_keys_match_unique() -> None:
    keys = np.array([5, 3, 5, 9, 3, 3], dtype=np.int64)
    first, inverse = numbered(keys)
    assert first.tolist() == [1, 0, 3] and inverse.tolist() == [1, 0, 1, 2, 0, 0]


@settings(max_examples=100, deadline=None)
@given(shape=shapes, values=st.sampled_from([2, 256]), seed=st.integers(0, 2**32 - 1))
def test_distinct_byte_rows_are_the_distinct_rows_in_byte_order(
    shape: tuple[int, int], values: int, seed: int
) -> None:
    rows = np.random.default_rng(seed).integers(0, values, shape).astype(np.uint8)
    distinct, inverse = distinct_byte_rows(rows)
    first, expected_inverse = _unique_rows(rows)
    assert distinct.tolist() == rows[first].tolist()
    assert inverse.tolist() == expected_inverse.tolist()


@settings(max_examples=50, deadline=None)
@given(keys=st.lists(st.sampled_from([0, 7, 1 << 30, 1 << 40, 5 << 40]), min_size=1, max_size=50))
def test_numbered_sorts_keys_too_big_to_count(keys: list[int]) -> None:
    array = np.array(keys, dtype=np.int64)
    first, inverse = numbered(array)
    _, expected_first, expected_inverse = np.unique(array, return_index=True, return_inverse=True)
    assert first.tolist() == expected_first.tolist()
    assert inverse.tolist() == expected_inverse.tolist()
