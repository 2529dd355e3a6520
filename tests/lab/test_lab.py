"""The lab on this machine's kernel: probes, verify, life cycle, cleanup, the guide."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from netfence.engine import Engine
from netfence.inputs import read_inputs
from netfence.lab import netns, state
from netfence.lab.names import lab_of_namespace
from tests.conftest import run_cli

pytestmark = pytest.mark.lab
needs_dns_tools = pytest.mark.skipif(
    netns.missing_requirements(("dnsmasq", "wget", "getent")) != [],
    reason="needs dnsmasq, wget and getent",
)


def _cells(output: str) -> dict[tuple[str, str], bool | None]:
    data = json.loads(output)
    query = data["queries"][0]
    return {(c["from"], c["to"]): c["allowed"] for c in query["matrix"]}


def _labs() -> set[str]:
    return {lab_of_namespace(n) or "" for n in netns.list_namespaces()} - {""}


@pytest.mark.parametrize(
    ("port", "protocol"), [("80", "TCP"), ("81", "UDP"), ("serve-80-tcp", "TCP")]
)
def test_probe_measures_what_the_engine_predicts(xyz_dir: Path, port: str, protocol: str) -> None:
    result = run_cli(
        "lab", "probe", str(xyz_dir), "--port", port, "--protocol", protocol, "--format", "json"
    )
    assert result.returncode == 0, result.stderr
    cells = _cells(result.stdout)
    assert len(cells) == 81
    cluster = read_inputs([str(xyz_dir)]).cluster  # lab-made addresses are unknown IPs
    number = int(port) if port.isdigit() else port
    matrix = Engine(cluster).matrix(number, protocol)  # type: ignore[arg-type]
    assert cells == {pair: matrix.cell(*pair) for pair in cells}


def test_probe_cells_match_the_policies(xyz_dir: Path) -> None:
    result = run_cli("lab", "probe", str(xyz_dir), "--port", "80", "--format", "json")
    cells = _cells(result.stdout)
    assert cells["x/b", "x/a"] is True  # same namespace, named port serve-80-tcp
    assert cells["y/a", "x/a"] is False  # x/a admits namespace x only
    assert cells["y/b", "z/c"] is True  # y/b's egress allows z/c on serve-80-tcp
    assert cells["y/b", "z/a"] is False
    assert cells["y/b", "y/b"] is True  # self traffic is never filtered


def test_dual_stack_pairs_are_probed_over_both_families() -> None:
    dual = Path(__file__).parent / "fixtures" / "dualstack"
    result = run_cli("lab", "probe", str(dual), "--format", "json", "--no-externals")
    query = json.loads(result.stdout)["queries"][0]
    cells = {(c["from"], c["to"]): c for c in query["matrix"]}
    assert cells["default/b", "default/a"]["allowed"] is True
    assert cells["default/b", "default/a"]["note"] == "allowed over IPv6 only"
    assert cells["default/a", "default/b"]["allowed"] is True


def test_sctp_is_reported_as_could_not_test(xyz_dir: Path) -> None:
    result = run_cli(
        "lab", "probe", str(xyz_dir), "--protocol", "SCTP", "--format", "json", "--no-externals"
    )
    data = json.loads(result.stdout)
    cells = data["queries"][0]["matrix"]
    try:
        import socket

        socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_SCTP).close()
    except OSError:
        assert all(c["allowed"] is None and "SCTP" in c["note"] for c in cells)
    else:
        assert all(c["allowed"] is not None for c in cells)


def test_verify_finds_no_difference_on_the_guide(guide_dir: Path) -> None:
    result = run_cli("lab", "verify", str(guide_dir), timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no difference" in result.stdout


@pytest.mark.parametrize("reading", ["match", "ignore"])
def test_verify_stacked_policies_with_ipblocks_on_pod_ips(reading: str) -> None:
    stacked = Path(__file__).parent / "fixtures" / "stacked"
    result = run_cli("lab", "verify", str(stacked), "--ipblock-pods", reading, timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no difference" in result.stdout


@needs_dns_tools
def test_up_ls_down_leave_nothing_and_never_touch_the_host(guide_dir: Path) -> None:
    host_links = set(os.listdir("/sys/class/net"))
    up = run_cli("lab", "up", str(guide_dir))
    assert up.returncode == 0, up.stderr
    lab_id = up.stdout.strip()
    assert lab_id in _labs()
    assert lab_id in run_cli("lab", "ls").stdout
    node = state.load(lab_id)
    assert node is not None and len(node.pids) == 2
    namespace = node.nodes["default/test-pod"]
    fetched = subprocess.run(
        [
            "ip",
            "netns",
            "exec",
            namespace,
            "wget",
            "-qO-",
            "-T",
            "2",
            "-t",
            "1",
            "http://gateway-0.gateway.svc.cluster.local:8080/health",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    )
    assert '"status": "ok"' in fetched.stdout
    assert set(os.listdir("/sys/class/net")) == host_links
    down = run_cli("lab", "down", lab_id)
    assert down.returncode == 0, down.stderr
    assert lab_id not in _labs()
    assert state.load(lab_id) is None
    time.sleep(0.2)
    assert all(
        not Path(f"/proc/{pid}").exists()
        or b"dnsmasq" not in Path(f"/proc/{pid}/cmdline").read_bytes()
        for pid in node.pids
    )


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupted_probe_removes_its_lab(xyz_dir: Path, signum: int) -> None:
    before = _labs()
    process = subprocess.Popen(
        [sys.executable, "-m", "netfence", "lab", "probe", str(xyz_dir), "--timeout", "5"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while not (_labs() - before) and time.monotonic() < deadline:
        time.sleep(0.05)
    mine = _labs() - before
    assert mine
    time.sleep(0.5)
    process.send_signal(signum)
    process.wait(timeout=30)
    assert not (mine & _labs())


@needs_dns_tools
def test_guide_runs_step_8_literally() -> None:
    result = run_cli("lab", "guide", timeout=240)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "wget -qO-" in result.stdout
    assert "PASS timeout" in result.stdout and "PASS success" in result.stdout
    assert "PASS dns-failure" in result.stdout
    assert "FAIL" not in result.stdout


def test_missing_tools_exit_3_with_one_line(xyz_dir: Path, tmp_path: Path) -> None:
    env = dict(os.environ, PATH=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "-m", "netfence", "lab", "probe", str(xyz_dir)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 3
    assert result.stderr.strip().count("\n") == 0 and "ip, nft" in result.stderr
