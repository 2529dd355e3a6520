"""Hostile text through every reader: no exception escapes, every message is one line.

A fixed, small, derandomized budget: the same inputs on every run, well under a minute.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netfence.blueprint import template_text
from netfence.blueprint.loading import parse_blueprint
from netfence.cluster.connect import Connection
from netfence.cluster.errors import ClusterError
from netfence.cluster.kubeconfig import check_kubeconfig
from netfence.cluster.listing import _page
from netfence.load import Limits, load_text
from netfence.problems import InputError, Problem
from netfence.sanitize import clean
from netfence.validate import validate_document

FUZZ = settings(
    max_examples=120,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
POLICY = (
    "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: np, namespace: a}\n"
    "spec:\n  podSelector: {matchLabels: {app: x}}\n  ingress:\n  - ports: [{port: 80}]\n"
)
PIECES = st.sampled_from(
    [
        "\n",
        ": ",
        "- ",
        "---\n",
        "{",
        "}",
        "[",
        "]",
        "&a ",
        "*a ",
        "!!int ",
        "<<: ",
        "9" * 4301,
        "0x" + "f" * 4000,
        "\x1b[2J",
        "\x00",
        "\u2028",
        "'",
        '"',
        "#",
        "\t",
        "  ",
        "port",
        "-1",
        "1e999",
        ".nan",
        "yes",
        "~",
        "kind: List\nitems: ",
        "apiVersion: v1\n",
    ]
)
HOSTILE = st.lists(st.one_of(PIECES, st.text(max_size=8)), max_size=12).map("".join)


def _mutations(seed: str) -> st.SearchStrategy[str]:
    """``seed`` with hostile pieces inserted at random places."""
    return st.tuples(st.integers(0, len(seed)), HOSTILE, st.booleans()).map(
        lambda t: seed[: t[0]] + t[1] + seed[t[0] :] if t[2] else t[1]
    )


def _one_line(problems: list[Problem]) -> None:
    for problem in problems:
        line = problem.render()
        assert clean(line) == line, line


@FUZZ
@given(_mutations(POLICY))
def test_loader_and_validate(text: str) -> None:
    result = load_text(text, "in.yaml", "default", Limits())
    _one_line(result.problems)
    for doc in result.documents:
        _one_line(validate_document(doc, "strict"))


@FUZZ
@given(_mutations(template_text("ai-mesh")))
def test_blueprint_loader(text: str) -> None:
    try:
        parse_blueprint(text, "bp.yaml")
    except InputError as error:
        _one_line(error.problems)


KUBECONFIG = (
    "apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: 'http://x'}}]\n"
    "contexts: [{name: c, context: {cluster: c, user: u}}]\nusers: [{name: u, user: {}}]\n"
)


@FUZZ
@given(_mutations(KUBECONFIG))
def test_kubeconfig_reader(tmp_path: Path, text: str) -> None:
    path = tmp_path / "kubeconfig"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        check_kubeconfig(str(path))
    except ClusterError as error:
        assert clean(str(error)) == str(error)


ANSWERS = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=6),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


@FUZZ
@given(
    st.one_of(ANSWERS.map(json.dumps), st.binary(max_size=40).map(lambda b: b.decode("latin-1")))
)
def test_cluster_answers(body: str) -> None:
    connection = Connection(api=None, server="http://x", context="c", timeout=1)  # type: ignore[arg-type]
    try:
        page: Any = connection.answer(body.encode("utf-8", "surrogatepass"))
        _page(page, "Pod")
    except ClusterError as error:
        assert clean(str(error)) == str(error)


@pytest.mark.parametrize("items", [{"items": [{"metadata": {"name": "x"}}]}])
def test_a_good_page_passes(items: dict[str, Any]) -> None:
    assert _page(items, "Pod")[0] == items["items"]
