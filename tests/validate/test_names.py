"""Name syntax checks, with cases from apimachinery's validation tests."""

from __future__ import annotations

import pytest

from netfence.validate.names import (
    is_dns1035_label,
    is_dns1123_label,
    is_dns1123_subdomain,
    is_label_value,
    is_qualified_name,
    is_valid_port_name,
    is_valid_port_num,
    name_is_dns_label,
)


@pytest.mark.parametrize(
    "value", ["a", "ab", "abc", "a1", "a-1", "a--1--2--b", "0", "01", "012", "1a", "1-a", "a" * 63]
)
def test_dns1123_label_valid(value: str) -> None:
    assert is_dns1123_label(value) == []


@pytest.mark.parametrize(
    "value",
    [
        "",
        "A",
        "ABC",
        "aBc",
        "A1",
        "A-1",
        "1-A",
        "-",
        "a-",
        "-a",
        "1-",
        "-1",
        "_",
        "a_",
        "a.b",
        "a" * 64,
        "a\n",
    ],
)
def test_dns1123_label_invalid(value: str) -> None:
    assert is_dns1123_label(value)


def test_dns1123_label_messages() -> None:
    assert is_dns1123_label("a.b") == ["must not contain dots"]
    assert is_dns1123_label("a" * 64) == ["must be no more than 63 characters"]
    assert is_dns1123_label("A") == [
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
        "and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', "
        "regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
    ]


@pytest.mark.parametrize(
    "value",
    ["a", "a.a", "a.b.c", "1.a", "a-1.b-2", "0.a", "a--1.b", "a" * 253, ("a" * 63 + ".") * 3 + "a"],
)
def test_dns1123_subdomain_valid(value: str) -> None:
    assert is_dns1123_subdomain(value) == []


@pytest.mark.parametrize(
    "value", ["", "A", "a.", ".a", "a..b", "a_b", "a@b", "a,b", "a b", "-a.b", "a.b-", "a" * 254]
)
def test_dns1123_subdomain_invalid(value: str) -> None:
    assert is_dns1123_subdomain(value)


@pytest.mark.parametrize(
    ("value", "ok"), [("a", True), ("a1", True), ("1a", False), ("a-", False), ("a.b", False)]
)
def test_dns1035_label(value: str, ok: bool) -> None:
    assert (is_dns1035_label(value) == []) is ok


@pytest.mark.parametrize(
    "value",
    [
        "simple",
        "now-with-dashes",
        "1-starts-with-num",
        "1234",
        "simple/simple",
        "now-with-dashes/simple",
        "now-with-dashes/now-with-dashes",
        "now.with.dots/simple",
        "now-with.dashes-and.dots/simple",
        "1-num.2-num/3-num",
        "1234/5678",
        "1.2.3.4/5678",
        "Uppercase_Is_OK_123",
        "example.com/Uppercase_Is_OK_123",
        "requests.storage-foo",
        "a" * 63,
        "a" * 253 + "/" + "b" * 63,
    ],
)
def test_qualified_name_valid(value: str) -> None:
    assert is_qualified_name(value) == []


@pytest.mark.parametrize(
    "value",
    [
        "nospecialchars%^=@",
        "cantendwithadash-",
        "-cantstartwithadash-",
        "only/one/slash",
        "Example.com/abc",
        "example_com/abc",
        "example.com/",
        "/simple",
        "a" * 64,
        "a" * 254 + "/abc",
        "",
    ],
)
def test_qualified_name_invalid(value: str) -> None:
    assert is_qualified_name(value)


def test_qualified_name_messages_name_the_part() -> None:
    assert is_qualified_name("/a") == ["prefix part must be non-empty"]
    assert is_qualified_name("a/")[0] == "name part must be non-empty"
    assert is_qualified_name("a/b/c")[0].startswith("a qualified name must consist of")


@pytest.mark.parametrize(
    "value",
    ["simple", "now-with-dashes", "1-starts-with-num", "end-with-num-1", "1234", "a" * 63, ""],
)
def test_label_value_valid(value: str) -> None:
    assert is_label_value(value) == []


@pytest.mark.parametrize(
    "value",
    [
        "nospecialchars%^=@",
        "Tama-nui-te-rā.is.Māori.sun",
        "\\backslashes\\are\\bad",
        "-starts-with-dash",
        "ends-with-dash-",
        ".starts.with.dot",
        "ends.with.dot.",
        "a" * 64,
    ],
)
def test_label_value_invalid(value: str) -> None:
    assert is_label_value(value)


@pytest.mark.parametrize(
    "value", ["telnet", "re-mail-ck", "pop3", "a", "a-1", "1-a", "a-1-b-2-c", "1-a-2-b-3"]
)
def test_port_name_valid(value: str) -> None:
    assert is_valid_port_name(value) == []


@pytest.mark.parametrize(
    ("value", "count"),
    [
        ("", 2),
        ("-", 2),
        ("a-", 1),
        ("-a", 1),
        ("a--b", 1),
        ("a" * 16, 1),
        ("1234", 1),
        ("a_b", 1),
        ("HTTP", 2),
    ],
)
def test_port_name_invalid(value: str, count: int) -> None:
    assert len(is_valid_port_name(value)) == count


@pytest.mark.parametrize(
    ("port", "ok"), [(1, True), (65535, True), (0, False), (-1, False), (65536, False)]
)
def test_port_number(port: int, ok: bool) -> None:
    assert (is_valid_port_num(port) == []) is ok


def test_generate_name_prefix_may_end_in_a_dash() -> None:
    assert name_is_dns_label("web-", True) == []
    assert name_is_dns_label("web-", False)


def test_lengths_count_bytes_as_go_does() -> None:
    assert is_label_value("é" * 32) == [
        "must be no more than 63 characters",
        is_label_value("é")[0],
    ]
