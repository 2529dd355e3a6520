"""kubectl-style endpoint filters."""

from __future__ import annotations

import pytest

from netfence.engine.filters import FilterError, parse_filter, parse_selector
from netfence.model import Endpoint, LabelSelector, Requirement


def pod(namespace: str, name: str, **labels: str) -> Endpoint:
    return Endpoint(namespace, name, labels=tuple(sorted(labels.items())))


def test_selector_syntax_of_kubectl() -> None:
    selector = parse_selector("app=web, tier!=db,env in (prod, staging),!legacy,team")
    assert selector == LabelSelector(
        (("app", "web"),),
        (
            Requirement("tier", "NotIn", frozenset({"db"})),
            Requirement("env", "In", frozenset({"prod", "staging"})),
            Requirement("legacy", "DoesNotExist"),
            Requirement("team", "Exists"),
        ),
    )
    assert parse_selector("app==web") == LabelSelector((("app", "web"),))


def test_filters_by_name_with_wildcards_or_by_labels() -> None:
    web, db = pod("shop", "web-0", app="web"), pod("data", "db-0", app="db")
    by_name = parse_filter("data/*")
    assert not by_name(web) and by_name(db)
    by_label = parse_filter("app notin (db)")
    assert by_label(web) and not by_label(db)


def test_unreadable_selector_is_an_error() -> None:
    with pytest.raises(FilterError):
        parse_selector("app in web")
