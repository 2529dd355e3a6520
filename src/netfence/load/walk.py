"""What the paths a command is given hold: manifest files, Helm charts and kustomizations.

Folders are searched recursively and what they hold is read in path order. A folder holding
``Chart.yaml`` is a Helm chart and one holding a kustomization file is a kustomization: each
is one entry, rendered as a whole (``load.render``), and not searched further. ``exclude``
globs leave out files and folders by name or by path relative to the folder given
(``charts/*``, ``*.json``, ``.github``).
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from netfence.problems import Problem, Source

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
HELM_MARKER = "Chart.yaml"
KUSTOMIZE_MARKERS = ("kustomization.yaml", "kustomization.yml", "Kustomization")

EntryKind = Literal["file", "helm", "kustomize"]


@dataclass(frozen=True, order=True)
class Entry:
    """One thing to read: a manifest file (or ``-``), or a folder to render."""

    path: str
    kind: EntryKind = "file"


def folder_kind(folder: str) -> EntryKind | None:
    """``helm`` or ``kustomize`` when the folder is a chart or a kustomization."""
    if os.path.isfile(os.path.join(folder, HELM_MARKER)):
        return "helm"
    if any(os.path.isfile(os.path.join(folder, name)) for name in KUSTOMIZE_MARKERS):
        return "kustomize"
    return None


def is_excluded(path: str, root: str, patterns: Sequence[str]) -> bool:
    """Whether a glob matches the entry or a folder above it (inside ``root``), by name or by
    path relative to ``root``."""
    parts = os.path.relpath(path, root).replace(os.sep, "/").split("/")
    candidates = {*parts, *("/".join(parts[:n]) for n in range(1, len(parts) + 1)), path}
    globs = [pattern.rstrip("/") or pattern for pattern in patterns]
    return any(fnmatch.fnmatchcase(text, glob) for glob in globs for text in candidates)


def find_entries(
    paths: Sequence[str], exclude: Sequence[str] = ()
) -> tuple[list[Entry], list[Problem]]:
    """Entries named directly, and those found in folders; problems for missing paths."""
    entries: list[Entry] = []
    problems: list[Problem] = []
    for path in paths:
        if path == "-":
            entries.append(Entry(path))
        elif os.path.isdir(path):
            kind = folder_kind(path)
            unreadable: list[OSError] = []
            found = [Entry(path, kind)] if kind else sorted(_walk(path, exclude, unreadable))
            problems.extend(
                Problem(Source(error.filename or path, 0, 0), f"cannot read: {error.strerror}")
                for error in unreadable
            )
            if not found and not unreadable:
                problems.append(
                    Problem(Source(path, 0, 0), "no *.yaml, *.yml or *.json files in this folder")
                )
            entries.extend(found)
        elif os.path.exists(path):  # files; FIFOs and devices are refused when read
            entries.append(Entry(path))
        else:
            problems.append(Problem(Source(path, 0, 0), "no such file or folder"))
    return entries, problems


def _walk(root: str, exclude: Sequence[str], unreadable: list[OSError]) -> Iterator[Entry]:
    """Entries under ``root``; a subfolder that cannot be listed goes to ``unreadable``, like
    a file that cannot be read."""
    for folder, dirs, names in os.walk(root, onerror=unreadable.append):
        dirs.sort()
        for name in sorted(names):
            path = os.path.join(folder, name)
            if name.endswith(MANIFEST_SUFFIXES) and not is_excluded(path, root, exclude):
                yield Entry(path)
        kept = []
        for name in dirs:
            path = os.path.join(folder, name)
            if is_excluded(path, root, exclude):
                continue
            kind = folder_kind(path)
            if kind:
                yield Entry(path, kind)
            else:
                kept.append(name)
        dirs[:] = kept
