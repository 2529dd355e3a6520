"""Calico's selector language: parsing, precedence, every operator, and syntax errors."""

from __future__ import annotations

import pytest

from netfence.model.calico_selector import SelectorSyntaxError, parse, selector_error

LABELS = {"app": "web", "tier": "prod-eu", "projectcalico.org/namespace": "shop"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", True),
        ("all()", True),
        ("!all()", False),
        ("app == 'web'", True),
        ('app == "db"', False),
        ("app != 'db'", True),
        ("missing != 'x'", True),
        ("has(app)", True),
        ("!has(app)", False),
        ("! has(missing)", True),
        ("app in {'web', 'db'}", True),
        ("app in {}", False),
        ("app not in {'db'}", True),
        ("missing not in {'db'}", True),
        ("missing in {'db'}", False),
        ("tier contains 'od-'", True),
        ("tier starts with 'prod'", True),
        ("tier ends with 'eu'", True),
        ("missing starts with ''", False),
        ("projectcalico.org/namespace == 'shop'", True),
        ("app == 'web' && tier == 'x'", False),
        ("app == 'x' || tier == 'prod-eu'", True),
        ("!(app == 'web' && has(tier))", False),
        ("(app == 'web')", True),
        ("global()", False),
    ],
)
def test_operators(text: str, expected: bool) -> None:
    assert parse(text).matches(LABELS) is expected


def test_precedence_is_not_then_and_then_or() -> None:
    # Calico's documented bracketing: ((!has(a)) || (b starts with 'p' && c in {...})).
    expr = parse("! has(a) || b starts with 'p' && c in {'x','y'}")
    assert expr.matches({})
    assert not expr.matches({"a": "1", "b": "prod"})
    assert expr.matches({"a": "1", "b": "prod", "c": "y"})
    assert not expr.matches({"a": "1", "b": "dev", "c": "y"})


def test_global_matches_only_non_namespaced_resources() -> None:
    expr = parse("global()")
    assert expr.uses_global()
    assert expr.matches({}, is_global=True)
    assert not expr.matches({"a": "b"})


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("app = 'web'", 4),
        ("app == web", 7),
        ("has(app", 7),
        ("app == 'web' &&", 15),
        ("app == 'web' extra", 13),
        ("app in {'a' 'b'}", 12),
        ("app == 'unterminated", 7),
        ("(app == 'x'", 11),
    ],
)
def test_syntax_errors_name_the_position(text: str, position: int) -> None:
    with pytest.raises(SelectorSyntaxError) as error:
        parse(text)
    assert error.value.position == position
    assert selector_error(text) == str(error.value)


def test_keywords_need_a_boundary() -> None:
    # ``inside`` is not ``in`` followed by ``side``.
    assert selector_error("app inside {'a'}") is not None
    assert parse("has(in)").matches({"in": ""})
