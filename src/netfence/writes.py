"""Every file and folder netfence writes goes through here: atomic, durable, faithful.

- A file is written aside in its own folder (a temporary name starting with
  ``.netfence-tmp-<pid>-``), fsynced, renamed over the target, and the folder is fsynced:
  after a crash or SIGKILL the target holds the old content or the new, never a mix and
  never nothing.
- A folder is built aside the same way and swapped with the old one in one step
  (``renameat2(RENAME_EXCHANGE)`` on Linux); without it, the old folder is renamed away
  just before the new one takes its name.
- ``-`` is standard output. A character or block device or a FIFO is written through
  (opened, never replaced); a symlink is followed and its target replaced atomically.
- Temporary names left by a killed process (its pid no longer runs) are removed the next
  time netfence writes in that folder.

Failures raise ``OSError`` after removing what was written aside.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import shutil
import signal
import stat
import sys
from collections.abc import Mapping

STDOUT = "-"
TEMP_PREFIX = ".netfence-tmp-"
# Tests set this to make every step announce itself on stderr and stop (SIGSTOP), so a
# SIGKILL can land exactly between two steps.
STEP_HOOK = "NETFENCE_TEST_WRITE_STEPS"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def write_text(path: str, text: str) -> None:
    """Write ``text`` to ``path`` (``-`` is stdout) all at once."""
    if path == STDOUT:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    target = os.path.realpath(path)
    if _is_special(target):
        _write_through(target, text)
        return
    folder = os.path.dirname(target)
    remove_leftovers(folder)
    temp = _temp_name(folder)
    mode = _mode_for(target)
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        _step("temp-created")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
        _step("temp-written")
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    _step("renamed")
    _fsync_folder(folder)


def write_folder(path: str, files: Mapping[str, str]) -> None:
    """Make the folder ``path`` hold exactly ``files`` (name -> text), swapped in at once."""
    target = os.path.realpath(path)
    parent = os.path.dirname(target)
    os.makedirs(parent, exist_ok=True)
    remove_leftovers(parent)
    staging = _temp_name(parent)
    try:
        os.mkdir(staging, 0o700)
        _step("staging-created")
        for name, text in files.items():
            _write_new(os.path.join(staging, name), text)
        os.chmod(staging, 0o777 & ~_umask())
        _fsync_folder(staging)
        _step("staging-written")
        if os.path.lexists(target):
            _exchange(staging, target)
        else:
            os.rename(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _step("swapped")
    _fsync_folder(parent)
    shutil.rmtree(staging, ignore_errors=True)  # now the old folder, when there was one


def remove_leftovers(folder: str) -> None:
    """Remove temporary files and folders that a killed netfence process left in ``folder``."""
    try:
        names = os.listdir(folder or ".")
    except OSError:
        return
    for name in names:
        pid = _owner(name)
        if pid is None or pid == os.getpid() or _running(pid):
            continue
        leftover = os.path.join(folder, name)
        if os.path.isdir(leftover) and not os.path.islink(leftover):
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                os.unlink(leftover)


def _owner(name: str) -> int | None:
    if not name.startswith(TEMP_PREFIX):
        return None
    pid, _, _ = name.removeprefix(TEMP_PREFIX).partition("-")
    return int(pid) if pid.isdigit() and len(pid) < 10 else None


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _temp_name(folder: str) -> str:
    return os.path.join(folder, f"{TEMP_PREFIX}{os.getpid()}-{os.urandom(4).hex()}")


def _is_special(path: str) -> bool:
    """A device or FIFO: written through, never replaced."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return stat.S_ISCHR(mode) or stat.S_ISBLK(mode) or stat.S_ISFIFO(mode)


def _write_through(path: str, text: str) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)


def _write_new(path: str, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _mode_for(target: str) -> int:
    """The permissions the new file gets: the old file's, or the umask's for a new one."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        return 0o666 & ~_umask()


def _fsync_folder(folder: str) -> None:
    fd = os.open(folder or ".", os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _exchange(new: str, old: str) -> None:
    """Swap two paths in one step; afterwards ``new`` names the old content."""
    if _renameat2_exchange(new, old):
        return
    retired = new + ".old"
    os.rename(old, retired)
    try:
        os.rename(new, old)
    except OSError:
        os.rename(retired, old)
        raise
    os.rename(retired, new)


def _renameat2_exchange(first: str, second: str) -> bool:
    """``renameat2(RENAME_EXCHANGE)``; False when the system or file system lacks it."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(
        _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
    )
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), second)


def _step(name: str) -> None:
    if os.environ.get(STEP_HOOK):
        sys.stderr.write(f"netfence-write-step: {name}\n")
        sys.stderr.flush()
        os.kill(os.getpid(), signal.SIGSTOP)
