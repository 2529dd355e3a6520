"""A hostile API server or kubeconfig: one clear line, exit 3, within the request deadline."""

from __future__ import annotations

import json
import os
import stat
import time
from pathlib import Path

import pytest
import yaml

from netfence.cluster.connect import ConnectOptions, check_reachable, connect
from netfence.cluster.errors import ClusterError
from netfence.cluster.listing import list_all
from tests.cluster.fakeapi import FakeApiServer, FakeCluster, Fault
from tests.conftest import run_cli


def _one_line_exit_3(*args: str, timeout: float = 60) -> str:
    result = run_cli(*args, timeout=timeout)
    assert result.returncode == 3, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "unexpected error" not in lines[0]
    return lines[0]


@pytest.mark.parametrize(
    ("raw", "content_type", "expected"),
    [
        (b"<html><body>Bad gateway</body></html>", "text/html", "not JSON"),
        (b"\x00\xff garbage \x1b[2J", "application/json", "not JSON"),
        (b"[1, 2, 3]", "application/json", "a JSON list, not an object"),
        (b"9" * 5000, "application/json", "not JSON"),
    ],
)
def test_a_hostile_answer_is_one_line_exit_3(
    fake: FakeCluster, kubeconfig: Path, raw: bytes, content_type: str, expected: str
) -> None:
    fake.fail(Fault(raw=raw, content_type=content_type))
    line = _one_line_exit_3("snapshot", "--kubeconfig", str(kubeconfig))
    assert expected in line and "\x1b" not in line


@pytest.mark.parametrize(
    "page",
    [
        {"items": {"a": 1}},
        {"items": [1, "x"]},
        {"items": [], "metadata": [1]},
        {"items": [], "metadata": {"continue": 5}},
        {"items": [], "metadata": {"continue": "t", "remainingItemCount": "many"}},
    ],
)
def test_a_malformed_list_is_a_cluster_error(
    fake: FakeCluster, kubeconfig: Path, page: dict[str, object]
) -> None:
    fake.fail(Fault(path_contains="/pods", raw=json.dumps(page).encode()))
    connection = connect(ConnectOptions(kubeconfig=str(kubeconfig), timeout=5))
    with pytest.raises(ClusterError, match="malformed list of Pod"):
        list_all(connection, "Pod")


def test_retry_after_beyond_the_deadline_is_not_waited_for(
    fake: FakeCluster, kubeconfig: Path
) -> None:
    fake.fail(Fault(path_contains="/version", status=429, headers={"Retry-After": "300"}))
    connection = connect(ConnectOptions(kubeconfig=str(kubeconfig), timeout=2))
    started = time.monotonic()
    with pytest.raises(ClusterError, match="answered 429"):
        check_reachable(connection)
    assert time.monotonic() - started < 2


def test_a_short_retry_after_is_honoured(fake: FakeCluster, kubeconfig: Path) -> None:
    fake.fail(Fault(path_contains="/version", status=429, headers={"Retry-After": "0"}, times=1))
    connection = connect(ConnectOptions(kubeconfig=str(kubeconfig), timeout=5))
    assert check_reachable(connection)


def test_a_slow_drip_of_retries_stays_within_the_deadline(
    fake: FakeCluster, kubeconfig: Path
) -> None:
    fake.fail(Fault(path_contains="/version", delay=0.6, drop=True))
    connection = connect(ConnectOptions(kubeconfig=str(kubeconfig), timeout=1.0))
    started = time.monotonic()
    with pytest.raises(ClusterError):
        check_reachable(connection)
    assert time.monotonic() - started < 1.5


def test_a_hanging_exec_plugin_is_killed_at_the_deadline(
    server: FakeApiServer, tmp_path: Path
) -> None:
    server.cluster.token = "needed"
    plugin = tmp_path / "plugin"
    plugin.write_text(f"#!/bin/sh\necho $$ > {tmp_path / 'pid'}\nexec sleep 600\n")
    plugin.chmod(plugin.stat().st_mode | stat.S_IXUSR)
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": "c", "cluster": {"server": server.url}}],
        "users": [
            {
                "name": "u",
                "user": {
                    "exec": {
                        "apiVersion": "client.authentication.k8s.io/v1",
                        "command": str(plugin),
                        "interactiveMode": "Never",
                    }
                },
            }
        ],
        "contexts": [{"name": "c", "context": {"cluster": "c", "user": "u"}}],
        "current-context": "c",
    }
    path = tmp_path / "kubeconfig"
    path.write_text(yaml.safe_dump(config))
    started = time.monotonic()
    line = _one_line_exit_3(
        "snapshot", "--kubeconfig", str(path), "--request-timeout", "2", timeout=300
    )
    assert time.monotonic() - started < 120  # the plugin alone would take 600 s
    assert "did not answer within 2s" in line
    pid = int((tmp_path / "pid").read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8)
)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (LAUGHS, "billion-laughs"),
        ("a: " + "[" * 5000 + "]" * 5000 + "\n", "nesting deeper"),
        ("token: " + "9" * 4301 + "\n", "integer of 4301 digits"),
        ("a: " + "x" * (17 * 1024 * 1024) + "\n", "larger than the limit"),
    ],
)
def test_a_hostile_kubeconfig_is_one_line(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "kubeconfig"
    path.write_text(content)
    line = _one_line_exit_3("snapshot", "--kubeconfig", str(path))
    assert expected in line and str(path) in line


def test_a_fifo_kubeconfig_is_refused_without_blocking(tmp_path: Path) -> None:
    path = tmp_path / "kubeconfig"
    os.mkfifo(path)
    line = _one_line_exit_3("snapshot", "--kubeconfig", str(path), timeout=30)
    assert "not a regular file" in line
