"""Network namespaces: create, delete, enter (setns) and run commands inside them.

Every function takes lab namespace names; nothing here configures the host's namespace.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import socket
import subprocess
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from netfence.lab.names import lab_of_namespace

NETNS_DIR = Path("/run/netns")
ETC_NETNS = Path("/etc/netns")
CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(None, use_errno=True)


class LabError(Exception):
    """A lab operation failed (one clear line)."""


def _setns(fd: int) -> None:
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, os.strerror(errno))


def _require_lab(name: str) -> None:
    if lab_of_namespace(name) is None:
        raise LabError(f"refusing to touch namespace {name!r}: not a netfence lab namespace")


def missing_requirements(tools: Iterable[str] = ()) -> list[str]:
    """What the lab needs and this machine lacks: root, ip, nft and any of ``tools``."""
    missing = [tool for tool in ("ip", "nft", *tools) if shutil.which(tool) is None]
    if os.geteuid() != 0:
        missing.insert(0, "root")
    return missing


def list_namespaces() -> list[str]:
    """Names of every named network namespace on the machine."""
    try:
        return sorted(os.listdir(NETNS_DIR))
    except FileNotFoundError:
        return []


def _enter_in_child(namespace: str | None) -> Callable[[], None] | None:
    """A ``preexec_fn`` that moves the child process into ``namespace`` before exec."""
    if namespace is None:
        return None
    path = str(NETNS_DIR / namespace)

    def enter() -> None:
        fd = os.open(path, os.O_RDONLY)
        _setns(fd)
        os.close(fd)

    return enter


def _run(argv: Sequence[str], text: str | None = None, namespace: str | None = None) -> str:
    result = subprocess.run(
        list(argv),
        input=text,
        capture_output=True,
        text=True,
        check=False,
        preexec_fn=_enter_in_child(namespace),
    )
    if result.returncode != 0:
        where = f" in {namespace}" if namespace else ""
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise LabError(f"{argv[0]} failed{where}: {detail[0] if detail else result.returncode}")
    return result.stdout


def create(names: Sequence[str]) -> None:
    """Create lab namespaces with one ``ip -batch`` call."""
    for name in names:
        _require_lab(name)
    _run(["ip", "-batch", "-"], "".join(f"netns add {n}\n" for n in names))


def delete(names: Iterable[str]) -> None:
    """Delete lab namespaces (those that exist) and their /etc/netns folders."""
    existing = set(list_namespaces())
    doomed = [n for n in names if lab_of_namespace(n) is not None and n in existing]
    if doomed:
        _run(["ip", "-force", "-batch", "-"], "".join(f"netns del {n}\n" for n in doomed))
    for name in names:
        if lab_of_namespace(name) is not None:
            shutil.rmtree(ETC_NETNS / name, ignore_errors=True)


def ip_batch(namespace: str, commands: Sequence[str]) -> None:
    """Run ``ip`` commands inside a lab namespace with one process."""
    _require_lab(namespace)
    _run(["ip", "-n", namespace, "-batch", "-"], "".join(c + "\n" for c in commands))


def run_in(namespace: str, argv: Sequence[str], text: str | None = None) -> str:
    """Run a program inside a lab namespace (setns before exec); its stdout."""
    _require_lab(namespace)
    return _run(argv, text, namespace)


def spawn_in(namespace: str, argv: Sequence[str]) -> subprocess.Popen[bytes]:
    """Start a long-running program inside a lab namespace (its own session, no output)."""
    _require_lab(namespace)
    return subprocess.Popen(
        list(argv),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        preexec_fn=_enter_in_child(namespace),
    )


def parallel(jobs: Iterable[tuple[str, Sequence[str]]], workers: int = 8) -> None:
    """``ip_batch`` for many namespaces at once."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for future in [pool.submit(ip_batch, ns, cmds) for ns, cmds in jobs]:
            future.result()


class Entry:
    """Switch the calling thread into lab namespaces and back (file descriptors kept open)."""

    def __init__(self) -> None:
        self._home = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
        self._fds: dict[str, int] = {}

    def _fd(self, namespace: str) -> int:
        if namespace not in self._fds:
            _require_lab(namespace)
            self._fds[namespace] = os.open(NETNS_DIR / namespace, os.O_RDONLY)
        return self._fds[namespace]

    @contextlib.contextmanager
    def inside(self, namespace: str) -> Iterator[None]:
        """Run the body in ``namespace``; always return to the original namespace."""
        _setns(self._fd(namespace))
        try:
            yield
        finally:
            _setns(self._home)

    def socket(self, namespace: str, family: int, kind: int, proto: int = 0) -> socket.socket:
        """A non-blocking socket that lives in ``namespace``."""
        with self.inside(namespace):
            sock = socket.socket(family, kind, proto)
        sock.setblocking(False)
        return sock

    def write_sysctl(self, namespace: str, key: str, value: str) -> None:
        """Set a per-namespace sysctl (``/proc/sys`` follows the thread's namespace)."""
        with self.inside(namespace):
            Path("/proc/sys", key.replace(".", "/")).write_text(value)

    def close(self) -> None:
        for fd in self._fds.values():
            os.close(fd)
        self._fds.clear()
        os.close(self._home)
