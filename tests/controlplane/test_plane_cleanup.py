"""The control plane leaves no process, port or folder behind when its test process is
interrupted (SIGINT) or killed outright (SIGKILL)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.controlplane.plane import remove_orphaned_folders

pytestmark = pytest.mark.controlplane

HOLDER = """
import json, signal, sys, time
from pathlib import Path
from typing import Any
from tests.controlplane.plane import ControlPlane
# Ctrl-C as at a terminal, also when the suite runs as a background job (which ignores SIGINT).
signal.signal(signal.SIGINT, signal.default_int_handler)
plane = ControlPlane(Path(sys.argv[1]))
plane.start()
pids = [p.popen.pid for p in plane.processes]
print(json.dumps({"port": plane.port, "pids": pids, "folder": str(plane.folder)}), flush=True)
time.sleep(600)
"""


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    # A zombie has exited; only its parent's wait is missing.
    return Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"


def port_closed(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def left_nothing(started: dict[str, Any]) -> bool:
    return all(gone(pid) for pid in started["pids"]) and port_closed(started["port"])


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGKILL], ids=["SIGINT", "SIGKILL"])
def test_nothing_is_left_behind(k8s_bin: Path, signum: signal.Signals) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(k8s_bin)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert holder.stdout is not None
        started = json.loads(holder.stdout.readline())
        holder.send_signal(signum)
        holder.wait(timeout=60)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not left_nothing(started):
            time.sleep(0.2)
        assert all(gone(pid) for pid in started["pids"])
        assert port_closed(started["port"])
        folder = Path(started["folder"])
        if signum == signal.SIGKILL:
            # No code ran in the killed process: the next start removes its folder.
            assert folder.exists()
            remove_orphaned_folders(folder.parent)
        assert not folder.exists()
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
