"""Reading manifests from files, folders and stdin, with size and encoding checks."""

from __future__ import annotations

import difflib
import os
import stat
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import BinaryIO

from netfence.load.calico_kinds import NAMESPACED_CALICO_KINDS, is_calico
from netfence.load.document import Document
from netfence.load.kinds import api_group
from netfence.load.parsed import ParsedTexts
from netfence.load.read_kinds import describe_read_kinds, describe_skipped
from netfence.load.removed import removed_message
from netfence.load.render import render_folder, render_label
from netfence.load.unevaluated import is_not_evaluated
from netfence.load.walk import Entry, find_entries
from netfence.load.yamlread import Limits
from netfence.problems import Problem, Source
from netfence.vocabulary import NAMESPACE_LABELS_FILE

NAMESPACED_KINDS = frozenset(
    {
        "Pod",
        "Deployment",
        "StatefulSet",
        "DaemonSet",
        "ReplicaSet",
        "ReplicationController",
        "Job",
        "CronJob",
        "Service",
        "NetworkPolicy",
        "CiliumNetworkPolicy",
    }
)
CLUSTER_POLICY_KINDS = frozenset(
    {
        "AdminNetworkPolicy",
        "BaselineAdminNetworkPolicy",
        "ClusterNetworkPolicy",
        "CiliumClusterwideNetworkPolicy",
        "CiliumCIDRGroup",
    }
)
# The one ConfigMap the engine reads: Cilium's cluster name (io.cilium.k8s.policy.cluster).
CILIUM_CONFIG = ("ConfigMap", "cilium-config")
KNOWN_KINDS = NAMESPACED_KINDS | CLUSTER_POLICY_KINDS | {"Namespace", "Node"}


@dataclass
class LoadResult:
    """Documents of the kinds netfence understands, plus problems and skip notes.

    ``notes`` are shown with ``--verbose``; ``notices`` always (files that hold no Kubernetes
    objects); ``not_evaluated`` holds the objects of policy-like kinds verdicts ignore;
    ``skipped_kinds`` counts the objects of other kinds, by kind.
    """

    documents: list[Document] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    not_evaluated: list[Document] = field(default_factory=list)
    foreign: list[Document] = field(default_factory=list)
    skipped_kinds: Counter[str] = field(default_factory=Counter)

    def extend(self, other: LoadResult) -> None:
        self.documents.extend(other.documents)
        self.problems.extend(other.problems)
        self.notes.extend(other.notes)
        self.notices.extend(other.notices)
        self.not_evaluated.extend(other.not_evaluated)
        self.foreign.extend(other.foreign)
        self.skipped_kinds.update(other.skipped_kinds)


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


def load_text(
    text: str,
    file: str,
    namespace: str,
    limits: Limits,
    strict_files: bool = False,
    parsed: ParsedTexts | None = None,
) -> LoadResult:
    """Parse a stream, expand lists, default namespaces, keep known kinds.

    Documents that are no Kubernetes objects (no apiVersion and no kind: a workflow, a
    values file) are skipped with one notice for the file, or refused with ``strict_files``.
    ``parsed``: texts already parsed by this command, reused.
    """
    result = LoadResult()
    docs, problems = (parsed or ParsedTexts()).read(text, file, namespace, limits)
    result.problems.extend(problems)
    for doc in docs:
        if is_foreign(doc.data):
            result.foreign.append(doc)
            continue
        for item in _expand_lists(doc, result):
            _keep(item, namespace, result)
    if result.foreign and strict_files:
        result.problems.extend(
            Problem(doc.source, f"not a Kubernetes object: {FOREIGN} (--strict-files)")
            for doc in result.foreign
        )
    elif result.foreign:
        result.notices.append(_foreign_notice(file, result.foreign, len(docs)))
    return result


FOREIGN = "no apiVersion and no kind"


def is_foreign(data: object) -> bool:
    """Whether a document is no Kubernetes object at all (rather than a broken one: a bare
    list of objects is a broken manifest)."""
    if isinstance(data, list):
        return not any(isinstance(item, dict) and not is_foreign(item) for item in data)
    if not isinstance(data, dict):
        return data is not None
    return "apiVersion" not in data and "kind" not in data


def _foreign_notice(file: str, foreign: Sequence[Document], total: int) -> str:
    if len(foreign) == total:
        return f"{file}: skipped, not a Kubernetes manifest ({FOREIGN})"
    lines = ", ".join(str(doc.source.line) for doc in foreign)
    count = f"{len(foreign)} document{'s' if len(foreign) > 1 else ''}"
    return f"{file}: skipped {count} at line {lines}: not Kubernetes objects ({FOREIGN})"


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
            Problem(
                doc.source,
                "document must be an object with apiVersion and kind (a list of objects: "
                "separate them with '---' or wrap them in kind: List)",
            )
        )
        return
    kind = data.get("kind")
    if is_not_evaluated(data.get("apiVersion"), kind):
        result.not_evaluated.append(doc)
        return
    if kind is not None and not isinstance(kind, str):
        result.problems.append(
            Problem(doc.source_of(("kind",)), "Invalid type: expected string", field="kind")
        )
        return
    if not kind:
        result.problems.append(Problem(doc.source, "Required value: kind is missing", field="kind"))
        return
    api_version = data.get("apiVersion")
    meta = data.get("metadata")
    if is_calico(api_version, kind):
        namespaced = kind in NAMESPACED_CALICO_KINDS
        if namespaced and isinstance(meta, dict) and meta.get("namespace") in (None, ""):
            meta["namespace"] = namespace
        result.documents.append(doc)
        return
    removed = removed_message(kind, api_version) if isinstance(api_version, str) else None
    if _is_cilium_config(data):
        result.documents.append(doc)
        return
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
        result.skipped_kinds[kind] += 1
        return
    if kind in NAMESPACED_KINDS and isinstance(meta, dict) and meta.get("namespace") in (None, ""):
        meta["namespace"] = namespace
    result.documents.append(doc)


def _is_cilium_config(data: dict[str, object]) -> bool:
    meta = data.get("metadata")
    name = meta.get("name") if isinstance(meta, dict) else None
    return (data.get("kind"), name) == CILIUM_CONFIG


def load_paths(
    paths: Sequence[str],
    *,
    namespace: str = "default",
    limits: Limits | None = None,
    stdin: BinaryIO | None = None,
    exclude: Sequence[str] = (),
    strict_files: bool = False,
    parsed: ParsedTexts | None = None,
) -> LoadResult:
    """Load every manifest under ``paths`` (``-`` is stdin), charts and kustomizations
    rendered, ``exclude`` globs left out; ``parsed``: texts this command parsed already."""
    limits = limits or Limits()
    entries, problems = find_entries(paths, exclude)
    result = LoadResult(problems=problems)
    for entry in entries:
        result.extend(_load_entry(entry, namespace, limits, stdin, strict_files, parsed))
    _keep_last_of_duplicates(result)
    if not (result.documents or result.not_evaluated or result.problems):
        _refuse_empty(paths, result)
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


def _keep_last_of_duplicates(result: LoadResult) -> None:
    """One object per API group, kind, namespace and name, as the API server keeps it (a
    Calico NetworkPolicy is not a Kubernetes one): the last one applied wins; each replaced
    copy is a warning (two overlays of one base, a copy)."""
    last: dict[tuple[str, str, str, str], Document] = {}

    def key(doc: Document) -> tuple[str, str, str, str]:
        return api_group(str(doc.api_version)), doc.kind, doc.namespace, doc.name

    for doc in result.documents:
        last[key(doc)] = doc
    kept: list[Document] = []
    for doc in result.documents:
        winner = last[key(doc)]
        if winner is doc or not doc.name:
            kept.append(doc)
            continue
        where = f"{winner.source.file}:{winner.source.line}"
        result.problems.append(
            Problem(
                doc.source,
                f"defined again at {where}; the later definition is used",
                obj=doc.ident(),
                severity="warning",
            )
        )
    result.documents[:] = kept


def _refuse_empty(paths: Sequence[str], result: LoadResult) -> None:
    """kubectl refuses empty input too ("no objects passed to apply"): one error per path,
    saying why (a file named directly that was skipped carries its reason)."""
    for path in paths:
        skipped = f"{path}: skipped, "
        own = next((n for n in result.notices if n.startswith(skipped)), None)
        if own is not None:
            result.notices.remove(own)
            message = f"no Kubernetes objects found: {own.removeprefix(skipped)}"
        elif result.skipped_kinds:
            message = (
                f"no objects of the kinds netfence reads, only "
                f"{describe_skipped(result.skipped_kinds)} (skipped); netfence reads "
                f"{describe_read_kinds(KNOWN_KINDS)}"
            )
        elif result.notices:
            message = f"no Kubernetes objects found ({len(result.notices)} files skipped)"
        else:
            message = "no Kubernetes objects found (empty input)"
        result.problems.append(Problem(Source(path, 0, 0), message))


def _load_entry(
    entry: Entry,
    namespace: str,
    limits: Limits,
    stdin: BinaryIO | None,
    strict_files: bool,
    parsed: ParsedTexts | None,
) -> LoadResult:
    if entry.kind == "file":
        return load_file(
            entry.path,
            namespace=namespace,
            limits=limits,
            stdin=stdin,
            strict_files=strict_files,
            parsed=parsed,
        )
    text, problem = render_folder(entry.kind, entry.path, limits.max_bytes)
    if problem is not None or text is None:
        if problem is not None and strict_files:
            problem = replace(problem, severity="error")
        return LoadResult(problems=[problem] if problem else [])
    label = render_label(entry.kind, entry.path)
    result = load_text(text, label, namespace, limits, strict_files, parsed)
    labels = os.path.join(entry.path, NAMESPACE_LABELS_FILE)
    if entry.kind == "kustomize" and os.path.isfile(labels):
        beside = load_file(
            labels, namespace=namespace, limits=limits, strict_files=strict_files, parsed=parsed
        )
        result.documents += beside.documents
        result.problems += beside.problems
    return result


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
    file: str,
    *,
    namespace: str,
    limits: Limits,
    stdin: BinaryIO | None = None,
    strict_files: bool = False,
    parsed: ParsedTexts | None = None,
) -> LoadResult:
    """Load one file (or stdin for ``-``) within the limits."""
    text, problem = read_text(file, limits, stdin)
    if problem is not None or text is None:
        return LoadResult(problems=[problem] if problem else [])
    return load_text(text, file, namespace, limits, strict_files, parsed)
