"""Mutated manifests never raise: the validator and model builder agree on what is valid.

Valid manifests (the guide's and this suite's) are mutated by dropping, duplicating and
retyping fields, inserting random scalars and nesting values deeply. Whatever the
validator accepts, ``build_cluster`` must model without raising; and the CLI never
prints a traceback.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from netfence.cli.app import app
from netfence.load import Limits, load_text
from netfence.model import build_cluster
from netfence.validate import validate_document
from tests.conftest import run_cli
from tests.validate.test_kinds import VALID as KIND_MANIFESTS
from tests.validate.test_networkpolicy import VALID as POLICY_MANIFESTS

GUIDE = Path(__file__).resolve().parents[2].parent / "shared" / "guide" / "literal"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "guide-literal"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _seed_objects() -> list[dict[str, Any]]:
    texts = list(POLICY_MANIFESTS.values()) + list(KIND_MANIFESTS.values())
    folder = GUIDE if GUIDE.is_dir() else EXAMPLES
    texts += [p.read_text() for p in sorted(folder.glob("*.yaml"))] if folder.is_dir() else []
    texts += [p.read_text() for p in sorted(FIXTURES.glob("*.yaml"))]
    objects: list[dict[str, Any]] = []
    for text in texts:
        for data in yaml.safe_load_all(text):
            if isinstance(data, dict):
                objects += data.get("items", [data]) if data.get("kind") == "List" else [data]
    return objects


SEEDS = _seed_objects()
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**40), max_value=2**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(
        [
            "",
            " ",
            "TCP",
            "ICMP",
            "http",
            "80",
            "1:20",
            "10.0.0.0/8",
            "010.0.0.0/08",
            "::/0",
            "fd00::/129",
            "In",
            "Exists",
            "Ingress",
            "a/b/c",
            "Foo",
            "-",
            "x" * 70,
            "None",
        ]
    ),
    st.text(max_size=8),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(["a", "port", "cidr"]), inner, max_size=3),
    ),
    max_leaves=6,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*prefix, index))
    return found


def _mutate(data: Any, path: tuple[Any, ...], how: str, value: Any) -> Any:
    if not path:
        return value if how == "replace" else data
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    key = path[-1]
    if how == "drop":
        del parent[key]
    elif how == "duplicate" and isinstance(parent, list):
        parent.append(copy.deepcopy(parent[key]))
    elif how == "nest":
        parent[key] = {"a": [parent[key]]}
    else:
        parent[key] = value
    return data


@st.composite
def mutated(draw: st.DrawFn) -> Any:
    data = copy.deepcopy(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        paths = _paths(data)
        path = draw(st.sampled_from(paths))
        how = draw(st.sampled_from(["drop", "duplicate", "replace", "nest", "replace"]))
        data = _mutate(data, path, how, draw(VALUES))
    return data


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_whatever_validates_can_be_modelled(data: Any) -> None:
    text = yaml.safe_dump(data) if data is not None else "null\n"
    loaded = load_text(text, "fuzz.yaml", "default", Limits())
    valid = [
        d for d in loaded.documents if not any(p.severity == "error" for p in validate_document(d))
    ]
    build_cluster(valid)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(mutated(), min_size=1, max_size=4))
def test_the_cli_exits_0_or_1_without_raising(documents: list[Any]) -> None:
    """``netfence validate`` in-process: any exception escaping the command is a bug."""
    text = yaml.safe_dump_all(documents)
    result = CliRunner().invoke(app, ["validate", "-"], input=text)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code in (0, 1)


def test_the_cli_never_prints_a_traceback(tmp_path: Path) -> None:
    """As a user runs it: a folder of every seed manifest, each file also mangled."""
    for index, seed in enumerate(SEEDS):
        text = yaml.safe_dump(seed)
        (tmp_path / f"good{index:03}.yaml").write_text(text)
        (tmp_path / f"cut{index:03}.yaml").write_text(text[: len(text) // 2])
    result = run_cli("validate", str(tmp_path))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert "unexpected error" not in result.stderr
