"""``flows._lexical_order`` (one composite sort key, wide trailing keys folded into their
rank) sorts as ``np.lexsort`` does, whatever the keys' widths."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from netfence.lint.flows import _lexical_order

WIDTHS = st.lists(st.integers(0, 62), min_size=1, max_size=6)


@settings(max_examples=200, deadline=None)
@given(widths=WIDTHS, count=st.integers(0, 60), seed=st.integers(0, 2**32 - 1))
def test_lexical_order_is_lexsort(widths: list[int], count: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    keys = tuple(
        rng.integers(0, 2**width, count, dtype=np.int64) if width else np.zeros(count, np.int64)
        for width in widths
    )
    keys = tuple(k // 7 if i % 2 else k for i, k in enumerate(keys))  # some equal values
    order = _lexical_order(keys)
    expected = np.lexsort(tuple(reversed(keys)))
    assert [tuple(int(k[i]) for k in keys) for i in order] == [
        tuple(int(k[i]) for k in keys) for i in expected
    ]
    assert sorted(order.tolist()) == list(range(count))
