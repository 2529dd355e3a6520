"""Folder walks: manifests, charts and kustomizations as entries; --exclude; skipped files."""

from __future__ import annotations

from pathlib import Path

import pytest

from netfence.load import load_paths
from netfence.load.walk import Entry, find_entries, is_excluded

POD = "apiVersion: v1\nkind: Pod\nmetadata: {name: %s}\nspec: {containers: [{name: a}]}\n"


def _tree(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_charts_and_kustomizations_are_entries_not_searched_further(tmp_path: Path) -> None:
    _tree(
        tmp_path,
        {
            "a.yaml": POD % "a",
            "chart/Chart.yaml": "apiVersion: v2\nname: c\nversion: 0.1.0\n",
            "chart/templates/x.yaml": "{{ broken }}",
            "kust/kustomization.yml": "resources: [p.yaml]\n",
            "kust/p.yaml": POD % "p",
            "KustUpper/Kustomization": "resources: []\n",
            "notes.txt": "no manifest",
        },
    )
    entries, problems = find_entries([str(tmp_path)])
    assert problems == []
    assert entries == [
        Entry(str(tmp_path / "KustUpper"), "kustomize"),
        Entry(str(tmp_path / "a.yaml")),
        Entry(str(tmp_path / "chart"), "helm"),
        Entry(str(tmp_path / "kust"), "kustomize"),
    ]
    assert find_entries([str(tmp_path / "chart")])[0] == [Entry(str(tmp_path / "chart"), "helm")]


@pytest.mark.parametrize(
    ("pattern", "excluded"),
    [
        ("b.yaml", True),  # a name
        ("*.yaml", True),
        ("sub", True),  # a folder, with what it holds
        ("sub/", True),
        ("sub/*", True),  # a path inside the folder given
        ("other", False),
        ("*.json", False),
    ],
)
def test_exclude_matches_names_and_relative_paths(
    tmp_path: Path, pattern: str, excluded: bool
) -> None:
    _tree(tmp_path, {"sub/b.yaml": POD % "b"})
    entries, _ = find_entries([str(tmp_path)], [pattern])
    assert (entries == []) is excluded
    assert is_excluded(str(tmp_path / "sub" / "b.yaml"), str(tmp_path), [pattern]) is excluded


def test_files_that_are_not_manifests_are_skipped_with_one_note_each(tmp_path: Path) -> None:
    _tree(
        tmp_path,
        {
            ".github/workflows/ci.yml": "on: [push]\njobs: {}\n",
            "docker-compose.yml": "services: {web: {image: x}}\n",
            ".pre-commit-hooks.yaml": "- id: x\n  entry: y\n",
            "values.yaml": "replicaCount: 1\n",
            "pod.yaml": POD % "p",
            "mixed.yaml": POD % "m" + "---\nfoo: bar\n",
        },
    )
    result = load_paths([str(tmp_path)])
    assert result.problems == []
    assert sorted(d.name for d in result.documents) == ["m", "p"]
    assert len(result.notices) == 5
    assert f"{tmp_path}/values.yaml: skipped, not a Kubernetes manifest" in "\n".join(
        result.notices
    )
    assert any("mixed.yaml: skipped 1 document at line 6" in n for n in result.notices)


def test_strict_files_refuses_what_would_be_skipped(tmp_path: Path) -> None:
    _tree(tmp_path, {"values.yaml": "replicaCount: 1\n", "pod.yaml": POD % "p"})
    result = load_paths([str(tmp_path)], strict_files=True)
    (problem,) = result.problems
    assert problem.source.file.endswith("values.yaml")
    assert "--strict-files" in problem.message


def test_a_broken_manifest_is_still_an_error(tmp_path: Path) -> None:
    """Only documents with neither apiVersion nor kind are foreign: a missing kind is an error."""
    _tree(tmp_path, {"np.yaml": "apiVersion: v1\nmetadata: {name: x}\n"})
    (problem,) = load_paths([str(tmp_path)]).problems
    assert "kind is missing" in problem.message


def test_a_file_named_alone_that_is_no_manifest_is_one_line(tmp_path: Path) -> None:
    _tree(tmp_path, {"ci.yml": "on: [push]\n"})
    result = load_paths([str(tmp_path / "ci.yml")])
    assert result.notices == []
    (problem,) = result.problems
    assert problem.message == (
        "no Kubernetes objects found: not a Kubernetes manifest (no apiVersion and no kind)"
    )


def test_an_object_defined_twice_keeps_the_later_one_with_a_warning(tmp_path: Path) -> None:
    _tree(
        tmp_path,
        {"a.yaml": POD % "p", "b.yaml": POD.replace("name: a", "name: b") % "p"},
    )
    result = load_paths([str(tmp_path)])
    (doc,) = result.documents
    assert doc.source.file.endswith("b.yaml")
    (problem,) = result.problems
    assert problem.severity == "warning" and problem.source.file.endswith("a.yaml")
    assert problem.message.startswith(f"defined again at {tmp_path}/b.yaml:1")


def test_same_kind_and_name_in_two_api_groups_are_two_objects(tmp_path: Path) -> None:
    kubernetes = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
    calico = "apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\n"
    meta = "metadata: {name: allow, namespace: app}\nspec: {}\n"
    _tree(tmp_path, {"k.yaml": kubernetes + meta, "c.yaml": calico + meta})
    result = load_paths([str(tmp_path)])
    assert sorted(d.api_version for d in result.documents) == [
        "networking.k8s.io/v1",
        "projectcalico.org/v3",
    ]
    assert result.problems == []


def test_config_excludes_are_read_and_checked(tmp_path: Path) -> None:
    from netfence.load.project import config_excludes
    from netfence.problems import InputError

    config = tmp_path / ".netfence.yaml"
    assert config_excludes(str(config)) == ()
    config.write_text("exclude: [charts/legacy, '*.json']\nlint: {fail-on: never}\n")
    assert config_excludes(str(config)) == ("charts/legacy", "*.json")
    config.write_text("lint: {}\nexclude: 5\n")
    with pytest.raises(InputError) as caught:
        config_excludes(str(config))
    (problem,) = caught.value.problems
    assert (problem.source.line, problem.field) == (2, "exclude")
