"""Rendering a Helm chart or a kustomization folder with the tool found on PATH.

The tool runs with a deadline and its output is read up to the size limit; a failure is one
line (the tool's stderr, joined); no tool on PATH is one line naming the command to pipe in.
"""

from __future__ import annotations

import os
import selectors
import shutil
import subprocess
import tempfile
import time
from collections.abc import Sequence

from netfence.load.walk import EntryKind
from netfence.problems import Problem, Source

RENDER_TIMEOUT = 120.0
STDERR_CHARS = 400

# Candidate commands per folder kind, the first found on PATH wins.
COMMANDS: dict[EntryKind, tuple[tuple[str, ...], ...]] = {
    "helm": (("helm", "template"),),
    "kustomize": (("kubectl", "kustomize"), ("kustomize", "build")),
}
WHAT = {"helm": "a Helm chart", "kustomize": "a kustomization"}


def render_command(kind: EntryKind, folder: str) -> list[str] | None:
    """The command line that renders ``folder`` with a tool on PATH, or None."""
    for command in COMMANDS[kind]:
        program = shutil.which(command[0])
        if program:
            return [program, *command[1:], folder]
    return None


def render_label(kind: EntryKind, folder: str) -> str:
    """The name rendered documents are reported under (``helm template charts/app``)."""
    return " ".join((*COMMANDS[kind][0], folder))


def missing_tool(kind: EntryKind, folder: str) -> str:
    tools = " or ".join(c[0] for c in COMMANDS[kind])
    return (
        f"{WHAT[kind]}, not read: {tools} is not on PATH; install it, or render it and pipe "
        f"it in: {render_label(kind, folder)} | netfence COMMAND -"
    )


def render_folder(
    kind: EntryKind, folder: str, max_bytes: int, timeout: float = RENDER_TIMEOUT
) -> tuple[str | None, Problem | None]:
    """The rendered YAML of a chart or kustomization, or one problem saying why not."""
    source = Source(folder, 0, 0)
    argv = render_command(kind, folder)
    if argv is None:
        return None, Problem(source, missing_tool(kind, folder), severity="warning")
    output, failure = run_bounded(argv, max_bytes, timeout)
    if failure is not None:
        return None, Problem(source, f"{render_label(kind, folder)} failed: {failure}")
    try:
        return (output or b"").decode("utf-8"), None
    except UnicodeDecodeError:
        return None, Problem(source, f"{render_label(kind, folder)} printed no UTF-8 text")


def run_bounded(argv: Sequence[str], max_bytes: int, timeout: float) -> tuple[bytes, str | None]:
    """A command's stdout, read up to ``max_bytes`` within ``timeout`` seconds, or why not."""
    with tempfile.TemporaryFile() as errors:
        try:
            process = subprocess.Popen(
                list(argv), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=errors
            )
        except OSError as exc:
            return b"", f"cannot run {argv[0]}: {exc.strerror}"
        chunks, failure = _read_until(process, max_bytes, timeout)
        if failure is not None:
            process.kill()
        code = process.wait()
        if process.stdout is not None:
            process.stdout.close()
        if failure is None and code != 0:
            errors.seek(0)
            text = " ".join(errors.read(64 * 1024).decode("utf-8", "replace").split())
            failure = (text[:STDERR_CHARS] or "no message") + f" (exit {code})"
    return b"".join(chunks), failure


def _read_until(
    process: subprocess.Popen[bytes], max_bytes: int, timeout: float
) -> tuple[list[bytes], str | None]:
    assert process.stdout is not None
    chunks: list[bytes] = []
    size = 0
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return chunks, f"no result within {timeout:g} s"
            if not selector.select(left):
                continue
            chunk = os.read(process.stdout.fileno(), 1 << 16)
            if not chunk:
                process.stdout.close()
                return chunks, None
            size += len(chunk)
            if size > max_bytes:
                return chunks, f"output larger than the limit of {max_bytes} bytes"
            chunks.append(chunk)
