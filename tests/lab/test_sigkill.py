"""SIGKILL at any moment of ``lab up``, ``lab verify`` or ``lab probe``: ``lab down`` still
finds and removes everything (processes, namespaces, files) and the host is unchanged.

Only the labs the killed process built are removed (its pid is recorded as their owner):
other labs on the machine are left alone.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from netfence.lab import netns, state
from netfence.lab.names import lab_of_namespace, lab_prefix
from tests.conftest import run_cli

pytestmark = pytest.mark.lab
XYZ = Path(__file__).parent / "fixtures" / "xyz"
COMMANDS = {
    "up": ["lab", "up", str(XYZ)],
    "verify": ["lab", "verify", str(XYZ), "--port", "80", "--timeout", "0.5"],
    "probe": ["lab", "probe", str(XYZ), "--port", "80", "--timeout", "0.5"],
}


def _host() -> tuple[str, ...]:
    """The host namespace's links, routes and ruleset."""
    commands = (
        ["ip", "-o", "link"],
        ["ip", "route"],
        ["ip", "-6", "route"],
        ["nft", "list", "ruleset"],
    )
    return tuple(
        subprocess.run(c, capture_output=True, text=True, check=False).stdout for c in commands
    )


def _owned_by(pid: int) -> set[str]:
    labs = set()
    for lab_id in state.lab_ids():
        found = state.load(lab_id)
        if found is not None and found.owner == pid:
            labs.add(lab_id)
    return labs


def _processes_of(lab_id: str) -> list[int]:
    """Processes whose command line names the lab (dnsmasq's hosts file, the daemon)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if lab_id.encode() in command and b"pytest" not in command:
            pids.append(int(entry.name))
    return pids


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_sigkill_at_many_moments_leaves_nothing_after_lab_down(command: str) -> None:
    host = _host()
    env = dict(os.environ, NO_COLOR="1")
    killed_with_a_lab = 0
    for delay in (None, 0.0, 0.1, 0.3, 0.6, 1.0, 1.6, 2.5):
        proc = subprocess.Popen(
            [sys.executable, "-m", "netfence", *COMMANDS[command]],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        if delay is None:  # before the lab exists
            time.sleep(0.3)
        else:  # ``delay`` seconds into the lab's life
            started = time.monotonic()
            while not _owned_by(proc.pid) and proc.poll() is None:
                assert time.monotonic() - started < 120
                time.sleep(0.01)
            time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        labs = _owned_by(proc.pid)
        killed_with_a_lab += bool(labs)
        for lab_id in labs:
            down = run_cli("lab", "down", lab_id)
            assert down.returncode == 0, down.stderr
        time.sleep(0.2)
        for lab_id in labs:
            assert state.load(lab_id) is None
            assert not state.files_dir(lab_id).exists()
            assert not [n for n in netns.list_namespaces() if lab_of_namespace(n) == lab_id]
            assert not list(netns.ETC_NETNS.glob(f"{lab_prefix(lab_id)}*"))
            assert _processes_of(lab_id) == [], f"{command} killed after {delay}s"
        assert _host() == host
    assert killed_with_a_lab >= 3, "the kills all missed the lab's life"
