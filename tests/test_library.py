"""The public library: the README's example runs, and bad input is one exception type."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import netfence

ROOT = Path(__file__).resolve().parents[1]


def readme_example() -> str:
    section = (ROOT / "README.md").read_text().split("## Library", 1)[1]
    found = re.search(r"```python\n(.*?)```", section, re.S)
    assert found is not None
    return found.group(1)


def test_the_readme_library_example_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    exec(compile(readme_example(), "README.md", "exec"), {})


def test_bad_input_raises_input_error_naming_the_file(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: Bad_Name}\n")
    with pytest.raises(netfence.InputError) as raised:
        netfence.load([str(broken)])
    assert all(p.source.file == str(broken) for p in raised.value.problems)


def test_type_hints_ship_with_the_package() -> None:
    assert (Path(netfence.__file__).parent / "py.typed").is_file()


def test_facade_functions_leave_their_packages_importable(monkeypatch: pytest.MonkeyPatch) -> None:
    import netfence.lint.run

    monkeypatch.setattr("netfence.load.sources.read_text", netfence.load.sources.read_text)
    assert netfence.lint.run.lint_inputs is netfence.lint.lint_inputs
    mesh = netfence.load("builtin:ai-mesh")
    assert netfence.lint(mesh).findings
    assert not netfence.diff(mesh, mesh).changes
