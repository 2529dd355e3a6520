"""Label selectors evaluated over many label sets at once (numpy vectors)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from netfence.model import LabelSelector

BoolVector = np.ndarray

ABSENT = -1


class LabelTable:
    """Label sets as one integer column per key; selectors become vector comparisons."""

    def __init__(self, label_sets: Sequence[Mapping[str, str]], present: BoolVector | None = None):
        self._sets = label_sets
        self._size = len(label_sets)
        self._present = np.ones(self._size, dtype=bool) if present is None else present.astype(bool)
        self._columns: dict[str, np.ndarray] = {}
        self._codes: dict[str, dict[str, int]] = {}
        self._memo: dict[LabelSelector, BoolVector] = {}

    def _column(self, key: str) -> tuple[np.ndarray, dict[str, int]]:
        if key not in self._columns:
            codes: dict[str, int] = {}
            column = np.full(self._size, ABSENT, dtype=np.int32)
            for row, labels in enumerate(self._sets):
                value = labels.get(key)
                if value is not None:
                    column[row] = codes.setdefault(value, len(codes))
            self._columns[key] = column
            self._codes[key] = codes
        return self._columns[key], self._codes[key]

    def _value_mask(self, key: str, values: frozenset[str]) -> BoolVector:
        column, codes = self._column(key)
        wanted = [codes[v] for v in values if v in codes]
        return np.isin(column, np.array(wanted, dtype=np.int32))

    def matches(self, selector: LabelSelector) -> BoolVector:
        """Which label sets ``selector`` matches (rows marked absent never match)."""
        if selector in self._memo:
            return self._memo[selector]
        mask = self._present.copy()
        for key, value in selector.match_labels:
            mask &= self._value_mask(key, frozenset((value,)))
        for requirement in selector.match_expressions:
            column, _ = self._column(requirement.key)
            if requirement.operator == "In":
                mask &= self._value_mask(requirement.key, requirement.values)
            elif requirement.operator == "NotIn":
                mask &= ~self._value_mask(requirement.key, requirement.values)
            elif requirement.operator == "Exists":
                mask &= column != ABSENT
            else:
                mask &= column == ABSENT
        self._memo[selector] = mask
        return mask
