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

from netfence import writes
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
    owner: int = field(default_factory=os.getpid)  # the netfence process that built it


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
    """Record ``state`` atomically (a killed process leaves the old record or the new)."""
    STATE_DIR.mkdir(parents=True, exist_ok=True)
    writes.write_text(str(_path(state.lab_id)), json.dumps(asdict(state), indent=1))


def record_pid(state: LabState, pid: int) -> None:
    """Record a process of the lab right after it was spawned."""
    state.pids.append(pid)
    save(state)


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


def _in_lab(lab_id: str, namespaces: set[str]) -> list[int]:
    """Processes a killed netfence may have left unrecorded: those inside one of the lab's
    namespaces, and the lab's server daemon (found by its command line)."""
    inodes = set()
    for name in namespaces:
        with contextlib.suppress(OSError):
            found = os.stat(netns.NETNS_DIR / name)
            inodes.add((found.st_dev, found.st_ino))
    daemon = b"netfence.lab.daemon\x00" + lab_id.encode() + b"\x00"
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            net = os.stat(entry / "ns" / "net")
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if (net.st_dev, net.st_ino) in inodes or daemon in command:
            pids.append(int(entry.name))
    return pids


def _kill(pids: list[int]) -> None:
    """SIGTERM, then SIGKILL what is still running after a moment."""
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 2
    while pids and time.monotonic() < deadline:
        pids = [pid for pid in pids if Path(f"/proc/{pid}").exists() and not _zombie(pid)]
        time.sleep(0.05)
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return True


def remove(lab_id: str) -> list[str]:
    """Stop a lab's processes (recorded or found in its namespaces), delete its namespaces
    and state; the namespaces removed."""
    state = load(lab_id)
    for pid in state.pids if state else []:
        _stop(pid)
    namespaces = [n for n in netns.list_namespaces() if lab_of_namespace(n) == lab_id]
    everything = set(namespaces) | set(state.namespaces if state else [])
    _kill(_in_lab(lab_id, everything))
    netns.delete(sorted(everything))
    with contextlib.suppress(FileNotFoundError):
        _path(lab_id).unlink()
    shutil.rmtree(files_dir(lab_id), ignore_errors=True)
    return namespaces
