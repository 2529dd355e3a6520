"""Connecting as kubectl does, and one clear line (exit 3) when the cluster cannot be used."""

from __future__ import annotations

import socket
import warnings
from pathlib import Path

import pytest
import yaml

from netfence.cluster.connect import (
    Connection,
    ConnectOptions,
    check_reachable,
    connect,
    kubeconfig_source,
)
from netfence.cluster.errors import ClusterError
from tests.cluster.fakeapi import FakeApiServer, FakeCluster, Fault
from tests.conftest import run_cli_in_process


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def two_context_kubeconfig(path: Path, live_url: str, dead_url: str) -> Path:
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [
            {"name": "live", "cluster": {"server": live_url}},
            {"name": "dead", "cluster": {"server": dead_url}},
        ],
        "users": [{"name": "u", "user": {"token": "stand-in-token"}}],
        "contexts": [
            {"name": "live", "context": {"cluster": "live", "user": "u"}},
            {"name": "dead", "context": {"cluster": "dead", "user": "u"}},
        ],
        "current-context": "dead",
    }
    path.write_text(yaml.safe_dump(config))
    return path


def test_kubeconfig_flag_connects(connection: Connection) -> None:
    assert check_reachable(connection) == "v1.31.0-standin"
    assert connection.context == "stand-in"


def test_kubeconfig_env_list_and_context(server: FakeApiServer, tmp_path: Path) -> None:
    config = two_context_kubeconfig(tmp_path / "config", server.url, closed_port_url())
    env = {"KUBECONFIG": f"{tmp_path / 'missing'}:{config}"}
    connection = connect(ConnectOptions(context="live", environ=env, timeout=5))
    assert connection.server == server.url
    assert check_reachable(connection)


def test_current_context_is_used_by_default(server: FakeApiServer, tmp_path: Path) -> None:
    dead = closed_port_url()
    config = two_context_kubeconfig(tmp_path / "config", server.url, dead)
    connection = connect(ConnectOptions(kubeconfig=str(config), timeout=5))
    assert (connection.server, connection.context) == (dead, "dead")


def test_source_order_follows_kubectl(tmp_path: Path) -> None:
    assert kubeconfig_source(ConnectOptions("/a", environ={"KUBECONFIG": "/b"})) == "/a"
    assert kubeconfig_source(ConnectOptions(environ={"KUBECONFIG": "/b:/c"})) == "/b:/c"
    in_pod = {"KUBERNETES_SERVICE_HOST": "10.96.0.1", "HOME": str(tmp_path)}
    assert kubeconfig_source(ConnectOptions(environ=in_pod)) in (None, "~/.kube/config")


def test_in_cluster_without_service_account_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("netfence.cluster.connect.kubeconfig_source", lambda options: None)
    with pytest.raises(ClusterError, match="cannot use in-cluster config"):
        connect(ConnectOptions())


@pytest.mark.parametrize(
    "content", ["clusters: [", "apiVersion: v1\nkind: Config\ncurrent-context: nowhere\n"]
)
def test_bad_kubeconfig_exits_3_with_one_line(tmp_path: Path, content: str) -> None:
    path = tmp_path / "kubeconfig"
    path.write_text(content)
    result = run_cli_in_process("snapshot", "--kubeconfig", str(path))
    assert result.returncode == 3
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0], result.stderr


def test_missing_kubeconfig_file_exits_3(tmp_path: Path) -> None:
    result = run_cli_in_process("preflight", "--kubeconfig", str(tmp_path / "nope"))
    assert result.returncode == 3
    assert result.stderr.strip() == f"netfence: kubeconfig {tmp_path / 'nope'} does not exist"


def test_unreachable_server_names_the_server(tmp_path: Path) -> None:
    url = closed_port_url()
    config = two_context_kubeconfig(tmp_path / "config", url, url)
    result = run_cli_in_process("snapshot", "--kubeconfig", str(config))
    assert result.returncode == 3
    assert result.stderr.strip().splitlines() == [
        f"netfence: cannot reach the Kubernetes API server at {url} (context dead): "
        "connection refused"
    ]


def test_missing_rbac_exits_3_naming_the_permission(fake: FakeCluster, kubeconfig: Path) -> None:
    fake.deny("list", "pods")
    result = run_cli_in_process("snapshot", "--kubeconfig", str(kubeconfig))
    assert result.returncode == 3
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "missing permission" in lines[0] and 'cannot list resource "pods"' in lines[0]
    assert fake.requests and "http://127.0.0.1:" in lines[0]


def test_rejected_credentials_exit_3(fake: FakeCluster, kubeconfig: Path) -> None:
    fake.token = "another-token"
    result = run_cli_in_process("snapshot", "--kubeconfig", str(kubeconfig))
    assert result.returncode == 3
    assert "rejected the credentials (401 Unauthorized)" in result.stderr


def test_slow_server_times_out(fake: FakeCluster, kubeconfig: Path) -> None:
    fake.fail(Fault(path_contains="/version", delay=2.0))
    connection = connect(ConnectOptions(kubeconfig=str(kubeconfig), timeout=0.5))
    with pytest.raises(ClusterError, match="timed out"):
        check_reachable(connection)


def test_dropped_connection_is_retried_then_reported(
    fake: FakeCluster, connection: Connection
) -> None:
    fake.fail(Fault(path_contains="/version", drop=True, times=1))
    assert check_reachable(connection)
    fake.fail(Fault(path_contains="/version", drop=True))
    with pytest.raises(ClusterError, match="dropped"):
        check_reachable(connection)


def test_server_error_carries_status(fake: FakeCluster, connection: Connection) -> None:
    fake.fail(Fault(path_contains="/version", status=500))
    with pytest.raises(ClusterError, match="answered 500"):
        check_reachable(connection)


def test_no_kubeconfig_at_all_reads_as_such(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    with pytest.raises(ClusterError) as caught:
        connect(ConnectOptions(environ={}))
    assert str(caught.value) == (
        "no kubeconfig: ~/.kube/config does not exist; set --kubeconfig or KUBECONFIG"
    )
    with pytest.raises(ClusterError) as caught:
        connect(ConnectOptions(environ={"KUBECONFIG": f"{tmp_path}/a:{tmp_path}/b"}))
    assert "none of KUBECONFIG=" in str(caught.value)


def test_insecure_skip_tls_verify_does_not_warn_on_every_request(
    server: FakeApiServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import urllib3

    monkeypatch.setattr(warnings, "filters", list(warnings.filters))
    config = yaml.safe_load(
        two_context_kubeconfig(tmp_path / "c", server.url, server.url).read_text()
    )
    for entry in config["clusters"]:
        entry["cluster"]["insecure-skip-tls-verify"] = True
    (tmp_path / "c").write_text(yaml.safe_dump(config))
    connect(ConnectOptions(kubeconfig=str(tmp_path / "c"), context="live", timeout=5))
    insecure = urllib3.exceptions.InsecureRequestWarning
    assert any(f[0] == "ignore" and f[2] is insecure for f in warnings.filters)
