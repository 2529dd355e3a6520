"""Which labs exist: state files under /run/netfence/ and namespaces with netfence's prefix."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from netfence.lab import netns
from netfence.lab.names import is_lab_id, lab_of_namespace

STATE_DIR = Path("/run/netfence")


@dataclass
class LabState:
    """What ``lab ls`` shows and ``lab down`` undoes."""

    lab_id: str
    namespaces: list[str]
    created: float = field(default_factory=time.time)
    purpose: str = ""
    pids: list[int] = field(default_factory=list)
    nodes: dict[str, str] = field(default_factory=dict)
    listeners: list[tuple[str, str, int, str]] = field(default_factory=list)


def _checked(lab_id: str) -> str:
    if not is_lab_id(lab_id):
        raise ValueError(f"not a lab id: {lab_id!r}")
    return lab_id


def _path(lab_id: str) -> Path:
    return STATE_DIR / f"{_checked(lab_id)}.json"


def files_dir(lab_id: str) -> Path:
    """Where a lab keeps its files (DNS hosts file)."""
    return STATE_DIR / _checked(lab_id)


def save(state: LabState) -> None:
    STATE_DIR.mkdir(parents=True, exist_ok=True)
    _path(state.lab_id).write_text(json.dumps(asdict(state), indent=1))


def load(lab_id: str) -> LabState | None:
    try:
        data = json.loads(_path(lab_id).read_text())
    except (OSError, ValueError):
        return None
    return LabState(**data)


def lab_ids() -> list[str]:
    """Labs that have a state file or at least one namespace left."""
    ids = {lab_of_namespace(name) for name in netns.list_namespaces()}
    if STATE_DIR.is_dir():
        ids |= {p.stem for p in STATE_DIR.glob("*.json")}
    return sorted(i for i in ids if i and is_lab_id(i))


OWN_PROCESSES = (b"dnsmasq", b"netfence.lab.daemon")


def _stop(pid: int) -> None:
    """Stop one of the lab's own processes (checked by its command line, never another)."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return
    if any(own in command for own in OWN_PROCESSES):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGTERM)


def remove(lab_id: str) -> list[str]:
    """Stop a lab's processes, delete its namespaces and state; the namespaces removed."""
    state = load(lab_id)
    for pid in state.pids if state else []:
        _stop(pid)
    namespaces = [n for n in netns.list_namespaces() if lab_of_namespace(n) == lab_id]
    netns.delete(sorted(set(namespaces) | set(state.namespaces if state else [])))
    with contextlib.suppress(FileNotFoundError):
        _path(lab_id).unlink()
    shutil.rmtree(files_dir(lab_id), ignore_errors=True)
    return namespaces
