"""The loader's safety limits: hostile input is refused quickly, with one clear problem."""

from __future__ import annotations

import io
import os
import resource
import time
from pathlib import Path

import pytest

from netfence.load import Limits, load_file, load_paths, load_text

NP = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: np}\nspec: {}\n"


def _load(text: str, limits: Limits | None = None) -> tuple[list[str], list[str]]:
    result = load_text(text, "in.yaml", "default", limits or Limits())
    return [d.kind for d in result.documents], [p.message for p in result.problems]


def _billion_laughs(levels: int = 9) -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, levels):
        prev = chr(ord("a") + level - 1)
        name = chr(ord("a") + level)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_billion_laughs_is_refused_fast_with_bounded_memory() -> None:
    before = _peak_rss_mib()
    start = time.perf_counter()
    kinds, problems = _load(_billion_laughs())
    elapsed = time.perf_counter() - start
    assert kinds == []
    assert len(problems) == 1
    assert "billion-laughs" in problems[0]
    assert elapsed < 0.5
    assert _peak_rss_mib() - before < 100


@pytest.mark.parametrize("opener", ["[", "{a: "])
def test_100k_deep_nesting_is_refused_fast(opener: str) -> None:
    closer = "]" if opener == "[" else "}"
    text = opener * 100_000 + closer * 100_000
    start = time.perf_counter()
    kinds, problems = _load(text)
    assert time.perf_counter() - start < 0.5
    assert kinds == []
    assert problems == [f"nesting deeper than {Limits().max_depth} levels"]


def test_deep_block_nesting_is_refused() -> None:
    text = "".join(" " * i + "a:\n" for i in range(2000)) + " " * 2000 + "b: 1\n"
    kinds, problems = _load(text)
    assert kinds == []
    assert len(problems) == 1
    assert "nesting deeper" in problems[0]


def test_nesting_within_the_limit_is_read() -> None:
    text = NP.replace("spec: {}", "spec: {podSelector: {matchLabels: {a: b}}}")
    assert _load(text) == (["NetworkPolicy"], [])


def test_nul_byte_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "nul.yaml"
    path.write_bytes(NP.encode() + b"\x00\n")
    result = load_file(str(path), namespace="default", limits=Limits())
    assert result.documents == []
    assert [p.message for p in result.problems] == ["NUL byte in input (binary file?)"]
    assert result.problems[0].source.line == 5


def test_non_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(NP.replace("np", "caf\xe9").encode("latin-1"))
    result = load_file(str(path), namespace="default", limits=Limits())
    assert result.documents == []
    (problem,) = result.problems
    assert problem.message.startswith("not valid UTF-8 (byte 0xe9")
    assert problem.source.line == 3


def test_duplicate_keys_are_refused() -> None:
    text = NP.replace("spec: {}", "spec: {podSelector: {}}\nspec: {}")
    kinds, problems = _load(text)
    assert kinds == []
    assert problems == ["duplicate key 'spec' in mapping (document root)"]


def test_file_over_max_bytes_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("---\n".join([NP] * 10))
    small = load_file(str(path), namespace="default", limits=Limits(max_bytes=100))
    assert small.documents == []
    assert [p.message for p in small.problems] == [
        "larger than the limit of 100 bytes (see --max-bytes)"
    ]
    assert len(load_file(str(path), namespace="default", limits=Limits()).documents) == 10


def test_colon_number_is_a_string_as_kubectl_reads_it() -> None:
    text = NP.replace("spec: {}", "spec: {ingress: [{ports: [{port: 1:20}, {port: 0x1F}]}]}")
    result = load_text(text, "in.yaml", "default", Limits())
    ports = result.documents[0].data["spec"]["ingress"][0]["ports"]
    assert ports == [{"port": "1:20"}, {"port": 31}]


@pytest.mark.parametrize(
    ("scalar", "value"),
    [
        ("yes", True),
        ("off", False),
        ("~", None),
        ("010", 8),
        ("1_000", 1000),
        ("1e3", 1000.0),
        ("'80'", "80"),
    ],
)
def test_scalars_resolve_as_go_yaml_v2(scalar: str, value: object) -> None:
    result = load_text(f"kind: X\nv: {scalar}\n", "in.yaml", "default", Limits())
    assert result.notes and result.documents == []
    doc = load_text(NP + f"x: {scalar}\n", "in.yaml", "default", Limits()).documents[0]
    assert doc.data["x"] == value


def test_kind_list_and_typed_list_expand_with_sources() -> None:
    text = (
        "apiVersion: v1\nkind: List\nitems:\n"
        "- {apiVersion: v1, kind: Namespace, metadata: {name: a}}\n"
        "- {apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: b}}\n"
        "---\n"
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicyList\nitems:\n"
        "- metadata: {name: c, namespace: x}\n"
    )
    result = load_text(text, "in.yaml", "default", Limits())
    assert [(d.kind, d.name, d.source.doc, d.source.line) for d in result.documents] == [
        ("Namespace", "a", 0, 4),
        ("NetworkPolicy", "b", 0, 5),
        ("NetworkPolicy", "c", 1, 10),
    ]
    assert result.documents[2].data["apiVersion"] == "networking.k8s.io/v1"


def test_list_with_non_list_items_is_a_problem() -> None:
    kinds, problems = _load("apiVersion: v1\nkind: List\nitems: {a: 1}\n")
    assert kinds == []
    assert problems == ["must be a list"]


def test_stdin_dash() -> None:
    result = load_paths(["-"], stdin=io.BytesIO(NP.encode()))
    assert [(d.kind, d.source.file) for d in result.documents] == [("NetworkPolicy", "-")]


def test_folders_are_searched_recursively_in_path_order(tmp_path: Path) -> None:
    (tmp_path / "b" / "c").mkdir(parents=True)
    (tmp_path / "a.yaml").write_text(NP.replace("np", "one"))
    (tmp_path / "b" / "two.yml").write_text(NP.replace("np", "two"))
    (tmp_path / "b" / "c" / "three.json").write_text(
        '{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "three"}}'
    )
    (tmp_path / "b" / "notes.txt").write_text("not a manifest")
    result = load_paths([str(tmp_path)])
    assert [d.name for d in result.documents] == ["one", "three", "two"]


def test_missing_path_and_empty_folder(tmp_path: Path) -> None:
    result = load_paths([str(tmp_path / "nope"), str(tmp_path)])
    assert [p.message for p in result.problems] == [
        "no such file or folder",
        "no *.yaml, *.yml or *.json files in this folder",
    ]


def test_syntax_error_is_one_problem_with_a_line() -> None:
    kinds, problems = _load(NP + "---\nkind: [unclosed\n")
    assert kinds == ["NetworkPolicy"]
    assert len(problems) == 1
    assert problems[0].startswith("YAML syntax error")


def test_namespace_defaults_as_kubectl() -> None:
    result = load_text(NP, "in.yaml", "prod", Limits())
    assert result.documents[0].namespace == "prod"


def test_duplicate_key_refuses_only_its_own_document() -> None:
    bad = NP.replace("spec: {}", "spec: {}\nspec: {}")
    kinds, problems = _load(NP + "---\n" + bad + "---\n" + NP)
    assert kinds == ["NetworkPolicy", "NetworkPolicy"]
    assert problems == ["duplicate key 'spec' in mapping (document root)"]


def test_fifos_and_devices_are_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "in.yaml"
    os.mkfifo(fifo)
    for path in (str(fifo), "/dev/zero"):
        result = load_paths([path])
        assert [p.message for p in result.problems] == [
            "not a regular file (a FIFO, device or socket): pipe it to '-' (stdin)"
        ]


def test_an_integer_too_long_for_python_names_its_field() -> None:
    big = "9" * 4301
    for text in (NP.replace("spec: {}", f"spec: {{port: {big}}}"), f'{{"kind": {big}}}'):
        _, problems = _load(text)
        assert len(problems) == 1 and "integer of 4301 digits is too long" in problems[0]
    _, problems = _load(NP.replace("spec: {}", f"spec: {{port: 0x{'f' * 4000}}}"))
    assert problems == ["spec.port: integer of 4000 digits is too long"]


def test_an_unreadable_subfolder_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "ok.yaml").write_text(NP)
    locked = tmp_path / "locked"
    locked.mkdir()
    real_scandir = os.scandir

    def scandir(path: str) -> object:
        if os.fspath(path) == str(locked):
            raise PermissionError(13, "Permission denied", str(locked))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result = load_paths([str(tmp_path)])
    assert [(p.source.file, p.message) for p in result.problems] == [
        (str(locked), "cannot read: Permission denied")
    ]


def test_document_limit_grows_with_max_bytes_only_above_the_default() -> None:
    assert Limits.of_size(Limits().max_bytes) == Limits()
    assert Limits.of_size(1000).max_documents == Limits().max_documents
    assert Limits.of_size(4 * Limits().max_bytes).max_documents == 4 * Limits().max_documents
    text = "---\n{}\n" * 4
    refused = load_text(text, "many.yaml", "default", Limits(max_documents=3))
    assert [p.message for p in refused.problems] == ["more than 3 documents in one stream"]
    read = load_text(text, "many.yaml", "default", Limits(max_documents=4))
    assert not read.problems
