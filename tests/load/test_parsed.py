"""A text parsed once per command: the same text read again keeps its own file name."""

from __future__ import annotations

from pathlib import Path

from netfence.inputs import InputOptions, resolve
from netfence.load import Limits, ParsedTexts, load_paths

PODS = """\
apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec: {containers: [{name: c, image: nginx}]}
---
apiVersion: v1
kind: Pod
metadata: {name: db, namespace: data}
spec: {containers: [{name: c, image: postgres}]}
---
key: [unclosed
"""


def _write(folder: Path, name: str) -> str:
    folder.mkdir()
    path = folder / name
    path.write_text(PODS)
    return str(path)


def test_a_shared_text_is_parsed_once_and_each_copy_names_its_own_file(tmp_path: Path) -> None:
    first, second = _write(tmp_path / "old", "pods.yaml"), _write(tmp_path / "new", "pods.yaml")
    parsed = ParsedTexts()
    old = load_paths([first], parsed=parsed)
    new = load_paths([second], parsed=parsed)
    fresh = load_paths([second])
    assert [d.data for d in new.documents] == [d.data for d in fresh.documents]
    assert [d.source for d in new.documents] == [d.source for d in fresh.documents]
    assert {d.source.file for d in old.documents} == {first}
    assert new.problems == fresh.problems and new.problems  # the broken third document
    assert {p.source.file for p in new.problems} == {second}
    assert old.documents[1].data is new.documents[1].data  # shared, not parsed again


def test_the_default_namespace_is_part_of_what_was_parsed(tmp_path: Path) -> None:
    path = _write(tmp_path / "pods", "pods.yaml")
    parsed = ParsedTexts()
    for namespace in ("default", "team"):
        loaded = load_paths([path], namespace=namespace, limits=Limits(), parsed=parsed)
        assert loaded.documents[0].namespace == namespace
        assert loaded.documents[1].namespace == "data"


def test_both_sides_of_a_resolve_share_the_parse(tmp_path: Path) -> None:
    first, second = _write(tmp_path / "a", "pods.yaml"), _write(tmp_path / "b", "pods.yaml")
    parsed = ParsedTexts()
    options = InputOptions(validate="warn")
    sides = [resolve([p], options, parsed=parsed) for p in (first, second)]
    assert [len(s.cluster.endpoints) for s in sides] == [2, 2]
    assert sides[1].errors and all(p.source.file == second for p in sides[1].errors)
