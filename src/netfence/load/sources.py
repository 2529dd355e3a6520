"""Reading manifests from files, folders and stdin, with size and encoding checks."""

from __future__ import annotations

import difflib
import os
import stat
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import BinaryIO

from netfence.load.document import Document
from netfence.load.removed import removed_message
from netfence.load.yamlread import Limits, read_stream
from netfence.problems import Problem, Source

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
NAMESPACED_KINDS = frozenset(
    {
        "Pod",
        "Deployment",
        "StatefulSet",
        "DaemonSet",
        "ReplicaSet",
        "Job",
        "CronJob",
        "Service",
        "NetworkPolicy",
    }
)
CLUSTER_POLICY_KINDS = frozenset(
    {"AdminNetworkPolicy", "BaselineAdminNetworkPolicy", "ClusterNetworkPolicy"}
)
KNOWN_KINDS = NAMESPACED_KINDS | CLUSTER_POLICY_KINDS | {"Namespace", "Node"}


@dataclass
class LoadResult:
    """Documents of the kinds netfence understands, plus problems and skip notes."""

    documents: list[Document] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def extend(self, other: LoadResult) -> None:
        self.documents.extend(other.documents)
        self.problems.extend(other.problems)
        self.notes.extend(other.notes)


def expand_paths(paths: Sequence[str]) -> tuple[list[str], list[Problem]]:
    """Files named directly, and manifest files found recursively in folders (sorted)."""
    files: list[str] = []
    problems: list[Problem] = []
    for path in paths:
        if path == "-":
            files.append(path)
        elif os.path.isdir(path):
            unreadable: list[OSError] = []
            found = sorted(_walk(path, unreadable.append))
            problems.extend(
                Problem(Source(error.filename or path, 0, 0), f"cannot read: {error.strerror}")
                for error in unreadable
            )
            if not found and not unreadable:
                problems.append(
                    Problem(Source(path, 0, 0), "no *.yaml, *.yml or *.json files in this folder")
                )
            files.extend(found)
        elif os.path.exists(path):  # files; FIFOs and devices are refused when read
            files.append(path)
        else:
            problems.append(Problem(Source(path, 0, 0), "no such file or folder"))
    return files, problems


def _walk(folder: str, unreadable: Callable[[OSError], None]) -> Iterable[str]:
    """Manifest files under ``folder``; a subfolder that cannot be listed goes to
    ``unreadable``, like a file that cannot be read."""
    for root, dirs, names in os.walk(folder, onerror=unreadable):
        dirs.sort()
        for name in names:
            if name.endswith(MANIFEST_SUFFIXES):
                yield os.path.join(root, name)


def read_bytes(stream: BinaryIO, limit: int) -> bytes | None:
    """At most ``limit`` bytes; None when the stream holds more."""
    data = stream.read(limit + 1)
    return None if len(data) > limit else data


def decode(data: bytes, file: str) -> tuple[str | None, Problem | None]:
    """Strict UTF-8 text, refusing NUL bytes; a leading BOM is dropped."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, Problem(Source(file, 0, 1), "UTF-16 text: save the file as UTF-8")
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        return None, Problem(Source(file, 0, line), "NUL byte in input (binary file?)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        return None, Problem(
            Source(file, 0, line),
            f"not valid UTF-8 (byte 0x{data[err.start]:02x} at offset {err.start})",
        )
    return text.removeprefix("\ufeff"), None


def load_text(text: str, file: str, namespace: str, limits: Limits) -> LoadResult:
    """Parse a stream, expand lists, default namespaces, keep known kinds."""
    result = LoadResult()
    docs, problems = read_stream(text, file, limits)
    result.problems.extend(problems)
    for doc in docs:
        for item in _expand_lists(doc, result):
            _keep(item, namespace, result)
    return result


def _expand_lists(doc: Document, result: LoadResult) -> list[Document]:
    data = doc.data
    kind = doc.kind
    if not (isinstance(data, dict) and kind.endswith("List") and "items" in data):
        return [doc]
    items = data["items"]
    if not isinstance(items, list):
        result.problems.append(
            Problem(doc.source_of(("items",)), "must be a list", obj=kind, field="items")
        )
        return []
    out: list[Document] = []
    item_kind = "" if kind == "List" else kind.removesuffix("List")
    for index, item in enumerate(items):
        sub = doc.item(("items", index), item)
        if isinstance(item, dict):
            if item_kind and "kind" not in item:
                item["kind"] = item_kind
                item.setdefault("apiVersion", data.get("apiVersion"))
            out.extend(_expand_lists(sub, result))
        else:
            result.problems.append(
                Problem(
                    sub.source, "list item must be an object", obj=kind, field=f"items[{index}]"
                )
            )
    return out


def _near_kind(kind: str) -> str | None:
    """A known kind the given one was probably meant to be (wrong case or a typo)."""
    lowered = {known.lower(): known for known in KNOWN_KINDS}
    if kind.lower() in lowered:
        return lowered[kind.lower()]
    close = difflib.get_close_matches(kind.lower(), lowered, n=1, cutoff=0.85)
    return lowered[close[0]] if close else None


def _keep(doc: Document, namespace: str, result: LoadResult) -> None:
    data = doc.data
    if not isinstance(data, dict):
        result.problems.append(
            Problem(doc.source, "document must be an object with apiVersion and kind")
        )
        return
    kind = data.get("kind")
    if kind is not None and not isinstance(kind, str):
        result.problems.append(
            Problem(doc.source_of(("kind",)), "Invalid type: expected string", field="kind")
        )
        return
    if not kind:
        result.problems.append(Problem(doc.source, "Required value: kind is missing", field="kind"))
        return
    api_version = data.get("apiVersion")
    removed = removed_message(kind, api_version) if isinstance(api_version, str) else None
    if kind not in KNOWN_KINDS and removed is not None:
        result.problems.append(
            Problem(doc.source_of(("apiVersion",)), removed, obj=doc.ident(), field="apiVersion")
        )
        return
    if kind not in KNOWN_KINDS:
        near = _near_kind(kind)
        if near:
            result.problems.append(
                Problem(
                    doc.source_of(("kind",)),
                    f'Unsupported value: "{kind}": no such kind; did you mean {near}?',
                    obj=doc.ident(),
                    field="kind",
                )
            )
            return
        result.notes.append(
            f"{doc.source.file}:{doc.source.line}: skipped {doc.ident()} (kind {kind})"
        )
        return
    meta = data.get("metadata")
    if kind in NAMESPACED_KINDS and isinstance(meta, dict) and meta.get("namespace") in (None, ""):
        meta["namespace"] = namespace
    result.documents.append(doc)


def load_paths(
    paths: Sequence[str],
    *,
    namespace: str = "default",
    limits: Limits | None = None,
    stdin: BinaryIO | None = None,
) -> LoadResult:
    """Load every manifest under ``paths`` (``-`` is stdin)."""
    limits = limits or Limits()
    files, problems = expand_paths(paths)
    result = LoadResult(problems=problems)
    for file in files:
        result.extend(load_file(file, namespace=namespace, limits=limits, stdin=stdin))
    if not (result.documents or result.problems):
        # kubectl refuses empty input too ("no objects passed to apply").
        message = (
            f"no objects of the kinds netfence reads ({', '.join(sorted(KNOWN_KINDS))}); "
            f"{len(result.notes)} of other kinds skipped"
            if result.notes
            else "no Kubernetes objects found (empty input)"
        )
        result.problems.extend(Problem(Source(path, 0, 0), message) for path in paths)
    return result


class NotRegularFileError(Exception):
    """An input path that is a FIFO, device or socket: it could block or never end."""


def _open_regular(file: str) -> BinaryIO:
    """``file`` opened for reading, refused unless it is a regular file (checked on the
    opened descriptor, without blocking on a FIFO)."""
    fd = os.open(file, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        what = "a directory" if stat.S_ISDIR(mode) else "a FIFO, device or socket"
        raise NotRegularFileError(f"not a regular file ({what}): pipe it to '-' (stdin)")
    os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


def read_text(
    file: str,
    limits: Limits,
    stdin: BinaryIO | None = None,
    size_option: str | None = "--max-bytes",
) -> tuple[str | None, Problem | None]:
    """The UTF-8 text of ``file`` (``-`` is stdin), refused past the size limit (the message
    names ``size_option`` when the command has one)."""
    try:
        if file == "-":
            data = read_bytes(stdin or sys.stdin.buffer, limits.max_bytes)
        else:
            with _open_regular(file) as handle:
                data = read_bytes(handle, limits.max_bytes)
    except NotRegularFileError as err:
        return None, Problem(Source(file, 0, 0), str(err))
    except OSError as err:
        return None, Problem(Source(file, 0, 0), f"cannot read: {err.strerror}")
    if data is None:
        message = f"larger than the limit of {limits.max_bytes} bytes"
        if size_option:
            message += f" (see {size_option})"
        return None, Problem(Source(file, 0, 0), message)
    return decode(data, file)


def load_file(
    file: str, *, namespace: str, limits: Limits, stdin: BinaryIO | None = None
) -> LoadResult:
    """Load one file (or stdin for ``-``) within the limits."""
    text, problem = read_text(file, limits, stdin)
    if problem is not None or text is None:
        return LoadResult(problems=[problem] if problem else [])
    return load_text(text, file, namespace, limits)
