"""Probe: planning from the engine, exec through ephemeral containers, retries, comparison."""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from netfence.cluster.applyplan import model_of
from netfence.cluster.probe import (
    ClusterRunner,
    ProbeCase,
    ProbeOptions,
    compare_results,
    plan_probes,
    run_probes,
)
from netfence.cluster.probe_kube import container_state
from netfence.cluster.probecmd import BusyboxCommands, ExecResult, read_dns, read_tcp
from netfence.engine import Engine
from netfence.model import ContainerPort, Endpoint
from netfence.probes import Probe, Runner
from tests.cluster.fakeapi import FakeCluster
from tests.cluster.objects import mesh_manifests, mesh_workloads, pod
from tests.conftest import run_cli_in_process


def mesh_engine() -> Engine:
    return Engine(model_of([*mesh_workloads(), *mesh_manifests()], "mesh"))


def by_pair(cases: Sequence[ProbeCase]) -> dict[tuple[str, str, int], ProbeCase]:
    return {(c.src.name, c.dst.name, c.port): c for c in cases}


def test_plan_follows_the_engine() -> None:
    cases = by_pair(plan_probes(mesh_engine(), ProbeOptions()).cases)
    assert cases[("gateway-0", "vllm-0", 8000)].expected is True
    assert cases[("minio-0", "vllm-0", 8000)].expected is False
    assert cases[("vllm-0", "minio-0", 443)].expected is False  # vllm has no egress allow
    dns = cases[("vllm-0", "coredns-0", 53)]
    assert (dns.expected, dns.kind, str(dns.ip)) == (True, "dns", "10.244.0.10")
    assert ("vllm-0", "vllm-0", 8000) not in cases


def test_plan_limits_and_filters() -> None:
    engine = mesh_engine()
    only_http = plan_probes(engine, ProbeOptions(ports=("http",))).cases
    assert {c.dst.name for c in only_http} == {"vllm-0"}
    scoped = plan_probes(engine, ProbeOptions(namespaces=("ai-data", "kube-system"))).cases
    assert {(c.src.name, c.dst.name) for c in scoped} == {
        ("minio-0", "coredns-0"),
        ("coredns-0", "minio-0"),
    }
    limited = plan_probes(engine, ProbeOptions(max_probes=3))
    total = len(plan_probes(engine, ProbeOptions()).cases)
    assert (len(limited.cases), limited.left_out) == (3, total - 3)


def test_untestable_cells_say_why() -> None:
    manifests = [
        pod("a", "host", "10.0.0.1", ports=[{"containerPort": 80}]),
        pod("a", "syslog", "10.0.0.2", ports=[{"containerPort": 514, "protocol": "UDP"}]),
        pod("a", "client", "10.0.0.3"),
    ]
    manifests[0]["spec"]["hostNetwork"] = True
    cases = by_pair(plan_probes(Engine(model_of(manifests, "t")), ProbeOptions()).cases)
    assert cases[("syslog", "host", 80)].untestable == "destination uses the host network"
    assert "UDP other than DNS" in cases[("client", "syslog", 514)].untestable
    assert cases[("host", "syslog", 514)].untestable.startswith("source uses the host network")


class ScriptedTransport:
    """A transport whose answers are scripted per attempt (probe logic under test, not exec)."""

    def __init__(self, answers: list[ExecResult], refuse: str | None = None) -> None:
        self.commands = BusyboxCommands()
        self.answers = answers
        self.refuse = refuse
        self.argvs: list[list[str]] = []

    def prepare(self, source: Endpoint) -> str | None:
        return self.refuse

    def run(self, source: Endpoint, argv: Sequence[str], timeout: float) -> ExecResult:
        self.argvs.append(list(argv))
        return self.answers.pop(0)

    def cleanup(self) -> list[str]:
        return []


def one_case(expected: bool) -> ProbeCase:
    src = Endpoint("a", "src", ips=(ipaddress.ip_address("10.0.0.1"),))
    dst = Endpoint("a", "dst", ips=(ipaddress.ip_address("10.0.0.2"),))
    return ProbeCase(src, dst, dst.ips[0], 8000, "TCP", expected)


def test_disagreement_is_retried_until_it_agrees() -> None:
    transport = ScriptedTransport([ExecResult(1, "nc: timed out"), ExecResult(0, "")])
    delays: list[float] = []
    options = ProbeOptions(retries=3, retry_delay=1.5)
    [result] = run_probes([one_case(True)], transport, options, sleep=delays.append)
    assert (result.outcome, result.attempts, delays) == ("allowed", 2, [1.5])
    assert transport.argvs[0] == ["nc", "-z", "-w", "2", "10.0.0.2", "8000"]


def test_lasting_disagreement_is_a_difference() -> None:
    transport = ScriptedTransport([ExecResult(0, "")] * 3)
    results = run_probes([one_case(False)], transport, ProbeOptions(), sleep=lambda s: None)
    [comparison] = compare_results(results)
    assert results[0].attempts == 3
    assert [(d.src, d.dst, d.predicted, d.measured) for d in comparison.differences] == [
        ("a/src", "a/dst", False, True)
    ]


def test_unprepared_source_could_not_test() -> None:
    transport = ScriptedTransport([], refuse="cannot add an ephemeral container: forbidden")
    [result] = run_probes([one_case(True)], transport, ProbeOptions())
    assert (result.outcome, result.why) == (
        "could not test",
        "cannot add an ephemeral container: forbidden",
    )
    assert compare_results([result])[0].untested == (("a/src", "a/dst", result.why),)


@pytest.mark.parametrize(
    ("result", "outcome"),
    [
        (ExecResult(0, ""), "allowed"),
        (
            ExecResult(1, "nc: can't connect to remote host (10.0.0.2): Connection refused"),
            "could not test",
        ),
        (ExecResult(1, "nc: timeout"), "blocked"),
        (ExecResult(None, "exec failed"), "could not test"),
    ],
)
def test_reading_tcp(result: ExecResult, outcome: str) -> None:
    assert read_tcp(result)[0] == outcome


def test_reading_dns() -> None:
    assert read_dns(ExecResult(1, ";; connection timed out; no servers could be reached"))[0] == (
        "blocked"
    )
    assert read_dns(ExecResult(1, "** server can't find x: NXDOMAIN"))[0] == "allowed"


def flannel_exec(namespace: str, pod_name: str, container: str, argv: list[str]) -> tuple[int, str]:
    """A cluster whose CNI enforces nothing: every TCP connect and DNS query succeeds."""
    assert container.startswith("netfence-probe-")
    return 0, "Server: 10.244.0.10" if argv[0] == "nslookup" else ""


def test_probe_on_stand_in_finds_unenforced_policies(
    live: FakeCluster, kubeconfig: Path, source: Path
) -> None:
    applied = run_cli_in_process("apply", str(source), "--kubeconfig", str(kubeconfig), "--yes")
    assert applied.returncode == 0, applied.stderr
    live.exec_handler = flannel_exec
    result = run_cli_in_process(
        "probe", "--kubeconfig", str(kubeconfig), "--format", "json", "--retries", "0"
    )
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    rows = {(r["from"], r["to"], r["port"]): r for r in report["probes"]}
    blocked = rows[("gateway/gateway-0", "ai-data/minio-0", 443)]
    assert (blocked["expected"], blocked["measured"]) == ("blocked", "allowed")
    allowed = rows[("gateway/gateway-0", "ai-inference/vllm-0", 8000)]
    assert (allowed["expected"], allowed["measured"]) == ("allowed", "allowed")
    assert report["differing"] == sum(r["expected"] != r["measured"] for r in report["probes"])
    vllm = live.get("Pod", "ai-inference", "vllm-0")
    assert vllm is not None
    [container] = vllm["spec"]["ephemeralContainers"]
    assert container["image"] == "busybox:1.36" and container["command"][0] == "sleep"
    assert "exits by itself" in result.stderr


def test_probe_dry_run_touches_nothing(live: FakeCluster, kubeconfig: Path) -> None:
    result = run_cli_in_process(
        "probe", "--kubeconfig", str(kubeconfig), "--dry-run", "-n", "ai-data", "-n", "kube-system"
    )
    assert result.returncode == 0, result.stderr
    assert "2 probes planned; nothing was run" in result.stdout
    assert not [r for r in live.requests if r.method != "GET"]


def test_probe_without_exec_permission_could_not_test(live: FakeCluster, kubeconfig: Path) -> None:
    live.deny("patch", "pods/ephemeralcontainers")
    result = run_cli_in_process(
        "probe", "--kubeconfig", str(kubeconfig), "-n", "ai-data", "-n", "kube-system"
    )
    assert result.returncode == 0, result.stderr
    assert "could not test ai-data/minio-0 -> kube-system/coredns-0 53/UDP: cannot add an " in (
        result.stdout
    )


def test_probe_container_state_is_read_from_pod_status() -> None:
    pod_status = {
        "status": {
            "ephemeralContainerStatuses": [
                {"name": "other", "state": {"running": {}}},
                {"name": "probe", "state": {"waiting": {"reason": "ImagePullBackOff"}}},
            ]
        }
    }
    assert container_state(pod_status, "probe") == ("waiting", "ImagePullBackOff")
    assert container_state(pod_status, "other") == ("running", "")
    assert container_state({}, "probe") == ("unknown", "")


def test_the_cluster_runner_speaks_the_probe_protocol() -> None:
    src = Endpoint("a", "src", ips=(ipaddress.ip_address("10.0.0.1"),))
    dst = Endpoint(
        "a",
        "dst",
        ips=(ipaddress.ip_address("10.0.0.2"),),
        ports=(ContainerPort(8000, name="http"),),
    )
    transport = ScriptedTransport([ExecResult(0, "")])
    runner: Runner = ClusterRunner([src, dst], transport, ProbeOptions())
    allowed, unnamed = runner.measure(
        [
            Probe("a/src", "a/dst", "http", "TCP", True),
            Probe("a/src", "a/dst", "grpc", "TCP", False),
        ]
    )
    assert (allowed.reachability, allowed.port, allowed.resolved_port) == ("allowed", "http", 8000)
    assert transport.argvs == [["nc", "-z", "-w", "2", "10.0.0.2", "8000"]]
    assert unnamed.reachability == "could not test"
    assert unnamed.note == "destination serves no TCP port named grpc"
