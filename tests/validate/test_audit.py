"""The audit suite: manifests transcribed from kube-apiserver's validation tests, run through
``netfence validate`` as a user would.

``audit/valid/*`` must exit 0; ``audit/invalid/*`` must exit 1 naming exactly the field
paths of their ``# expect:`` header (or ``FILE.expect`` next to a JSON file), one
``file:line: Kind/ns/name: field.path: message`` line each; ``audit/malformed/*`` (and the
generated huge and deep inputs below) must exit 1 with one line and no traceback.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from netfence.cli.app import app
from tests.conftest import run_cli

AUDIT = Path(__file__).parent / "audit"
MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")


def cases(kind: str) -> list[Path]:
    return sorted(p for p in (AUDIT / kind).iterdir() if p.name.endswith(MANIFEST_SUFFIXES))


def expected_fields(path: Path) -> set[str]:
    """The field paths an invalid manifest's header (or JSON sidecar) names."""
    sidecar = path.with_name(path.name + ".expect")
    if sidecar.exists():
        return {line.strip() for line in sidecar.read_text().splitlines() if line.strip()}
    for line in path.read_text().splitlines():
        if line.startswith("# expect:"):
            return {field.strip() for field in line.removeprefix("# expect:").split(",")}
    raise AssertionError(f"{path.name} has no '# expect:' header")


def validate(path: Path) -> Result:
    result = CliRunner().invoke(app, ["validate", str(path)])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def error_lines(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


def reported_fields(path: Path, lines: list[str]) -> set[str]:
    """The field of every ``file:line: Kind/ns/name: field: message`` line (all must be so)."""
    shape = re.compile(re.escape(str(path)) + r":\d+: \w+/.*?: ([A-Za-z][\w.\[\]/-]*): \S")
    fields = set()
    for line in lines:
        match = shape.match(line)
        assert match, f"not an error line: {line}"
        fields.add(match.group(1))
    return fields


@pytest.mark.parametrize("path", cases("valid"), ids=lambda p: p.name)
def test_valid_manifest_is_accepted(path: Path) -> None:
    result = validate(path)
    assert result.exit_code == 0, result.stderr
    assert error_lines(result) == []


@pytest.mark.parametrize("path", cases("invalid"), ids=lambda p: p.name)
def test_invalid_manifest_names_each_field(path: Path) -> None:
    result = validate(path)
    assert result.exit_code == 1
    assert reported_fields(path, error_lines(result)) == expected_fields(path)


@pytest.mark.parametrize("path", cases("malformed"), ids=lambda p: p.name)
def test_malformed_input_is_one_clear_line(path: Path) -> None:
    result = validate(path)
    assert result.exit_code == 1
    lines = error_lines(result)
    assert len(lines) == 1, lines
    assert lines[0].startswith(str(path))


def _huge(path: Path) -> None:
    padding = "x" * (51 * 1024 * 1024)
    path.write_text(f"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a{padding}\n")


def _deep_flow(path: Path) -> None:
    path.write_text("[" * 100_000 + "]" * 100_000 + "\n")


def _deep_block(path: Path) -> None:
    path.write_text("".join("  " * depth + f"k{depth}:\n" for depth in range(2_000)) + "  v: 1\n")


def _deep_json(path: Path) -> None:
    path.write_text('{"a":' * 50_000 + "1" + "}" * 50_000)


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("huge.yaml", _huge),
        ("deep-flow.yaml", _deep_flow),
        ("deep-block.yaml", _deep_block),
        ("deep.json", _deep_json),
    ],
)
def test_generated_hostile_input_is_one_line_in_a_fresh_process(
    tmp_path: Path, name: str, make: Callable[[Path], None]
) -> None:
    path = tmp_path / name
    make(path)
    result = run_cli("validate", str(path))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith(str(path)), lines


def test_malformed_neighbour_does_not_hide_valid_documents(tmp_path: Path) -> None:
    """A folder with a valid and a malformed file: only the malformed one is reported."""
    (tmp_path / "ok.yaml").write_text((AUDIT / "valid" / "namespace-kind.yaml").read_text())
    (tmp_path / "bad.json").write_text(
        (AUDIT / "malformed" / "json-trailing-comma.json").read_text()
    )
    result = CliRunner().invoke(app, ["validate", str(tmp_path)])
    assert result.exit_code == 1
    assert [line.split(":")[0] for line in error_lines(result)] == [str(tmp_path / "bad.json")]


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("tabs.yaml", "a tab: YAML indents with spaces only"),
        ("empty.yaml", "no Kubernetes objects found"),
        ("only-unknown-kinds.yaml", "only 1 ConfigMap (skipped)"),
        ("json-trailing-comma.json", "JSON syntax error"),
        ("removed-ingress-extensions.yaml", "use apiVersion networking.k8s.io/v1"),
        ("removed-psp.yaml", "removed in Kubernetes v1.25"),
        ("utf16.yaml", "save the file as UTF-8"),
        ("kind-number.yaml", "kind: Invalid type: expected string"),
    ],
)
def test_malformed_line_says_what_is_wrong(name: str, fragment: str) -> None:
    (line,) = error_lines(validate(AUDIT / "malformed" / name))
    assert fragment in line
