"""Cases transcribed from the upstream Kubernetes e2e NetworkPolicy suite, run through
``netfence analyze DIR --port P --protocol PROTO --format json`` and compared cell by cell."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from netfence.cli.app import app
from tests.conftest import run_cli
from tests.engine.reachability import PODS, R, Reachability, cluster_yaml

FIXTURES = Path(__file__).parent / "fixtures" / "e2e"

Query = tuple[int | str, str, Reachability]


@dataclass(frozen=True)
class Case:
    name: str
    policies: tuple[str, ...]
    queries: tuple[Query, ...]
    pod_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    namespace_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    reading: str = "match"


def case(name: str, policies: str | tuple[str, ...], *queries: Query, **extra: object) -> Case:
    files = (policies,) if isinstance(policies, str) else policies
    return Case(name, files, queries, **extra)  # type: ignore[arg-type]


NS_Y_TO_XA = R().expect_peer("x", "x/a", False).expect_peer("z", "x/a", False)
ONLY_YA_TO_XA = R().expect_all_ingress("x/a", False).expect("y/a", "x/a", True)
NO_INGRESS_XA = R().expect_all_ingress("x/a", False)
NO_INGRESS_X = R().expect_peer("", "x", False)
NO_EGRESS_X = R().expect_peer("x", "", False)

CASES = [
    case("default-deny-ingress", "default-deny-ingress", (80, "TCP", NO_INGRESS_X)),
    case(
        "default-deny-all",
        "default-deny-all",
        (80, "TCP", R().expect_peer("", "x", False).expect_peer("x", "", False)),
    ),
    case(
        "pod-selector",
        "pod-selector",
        (80, "TCP", R().expect_all_ingress("x/a", False).expect("x/b", "x/a", True)),
    ),
    case(
        "allow-ingress-for-target",
        "allow-ingress-for-target",
        (80, "TCP", R().expect_peer("", "x", False).expect_all_ingress("x/a", True)),
    ),
    case("from-all-namespaces", "from-all-namespaces", (80, "TCP", R())),
    case("namespace-selector", "namespace-selector", (80, "TCP", NS_Y_TO_XA)),
    case(
        "pod-selector-match-expressions",
        "pod-selector-match-expressions",
        (80, "TCP", R().expect_all_ingress("x/a", False).expect("x/b", "x/a", True)),
    ),
    case(
        "namespace-selector-match-expressions",
        "namespace-selector-match-expressions",
        (80, "TCP", NS_Y_TO_XA),
    ),
    case(
        "pod-or-namespace-selector",
        "pod-or-namespace-selector",
        (80, "TCP", R().expect("x/c", "x/a", False)),
    ),
    case(
        "pod-and-namespace-selector",
        "pod-and-namespace-selector",
        (
            80,
            "TCP",
            R()
            .expect_all_ingress("x/a", False)
            .expect("y/b", "x/a", True)
            .expect("z/b", "x/a", True),
        ),
    ),
    case(
        "multiple-pod-and-namespace-selectors",
        "multiple-pod-and-namespace-selectors",
        (
            80,
            "TCP",
            R()
            .expect_peer("x", "x/a", False)
            .expect("y/a", "x/a", False)
            .expect("z/a", "x/a", False),
        ),
    ),
    case(
        "any-pod-selectors",
        "any-pod-selectors",
        (
            80,
            "TCP",
            R()
            .expect_all_ingress("x/a", False)
            .expect("x/b", "x/a", True)
            .expect("x/c", "x/a", True),
        ),
    ),
    case("pod-in-other-namespace", "pod-in-other-namespace", (80, "TCP", ONLY_YA_TO_XA)),
    case("ports", "ports", (81, "TCP", NS_Y_TO_XA), (80, "TCP", NO_INGRESS_XA)),
    case("stacked-ports", "stacked-ports", (81, "TCP", NS_Y_TO_XA), (80, "TCP", NS_Y_TO_XA)),
    case("allow-all", "allow-all", (80, "TCP", R()), (81, "TCP", R())),
    case("named-port-ingress", "named-port-ingress", (81, "TCP", R()), (80, "TCP", NO_INGRESS_X)),
    case(
        "named-port-from-namespace",
        "named-port-from-namespace",
        (80, "TCP", NS_Y_TO_XA),
        (81, "TCP", NO_INGRESS_XA),
    ),
    case("named-port-egress", "named-port-egress", (80, "TCP", R()), (81, "TCP", NO_EGRESS_X)),
    case("updated-policy-allow", "allow-all", (81, "TCP", R())),
    case("updated-policy-deny", "updated-policy-deny", (81, "TCP", NO_INGRESS_X)),
    case("updated-namespace-before", "updated-namespace", (80, "TCP", NO_INGRESS_XA)),
    case(
        "updated-namespace-after",
        "updated-namespace",
        (80, "TCP", R().expect_all_ingress("x/a", False).expect_peer("y", "", True)),
        namespace_labels={"y": {"ns2": "updated"}},
    ),
    case("updated-pod-before", "updated-pod", (80, "TCP", NO_INGRESS_XA)),
    case(
        "updated-pod-after",
        "updated-pod",
        (80, "TCP", R().expect_all_ingress("x/a", False).expect("x/b", "x/a", True)),
        pod_labels={"x/b": {"pod2": "updated"}},
    ),
    case(
        "deny-other-namespaces",
        "deny-other-namespaces",
        (80, "TCP", R().expect_peer("y", "x", False).expect_peer("z", "x", False)),
    ),
    case("deny-updated-pod-before", "deny-updated-pod", (80, "TCP", R())),
    case(
        "deny-updated-pod-after",
        "deny-updated-pod",
        (80, "TCP", NO_INGRESS_XA),
        pod_labels={"x/a": {"target": "isolated"}},
    ),
    case("deny-egress-pod", "deny-egress-pod", (80, "TCP", R().expect_all_egress("x/a", False))),
    case("deny-egress-namespace", "deny-egress-namespace", (80, "TCP", NO_EGRESS_X)),
    case(
        "ingress-and-egress",
        "ingress-and-egress",
        (80, "TCP", R().expect_all_ingress("x/a", False).expect("x/b", "x/a", True)),
        (
            81,
            "TCP",
            R()
            .expect_all_ingress("x/a", False)
            .expect_all_egress("x/a", False)
            .expect("x/b", "x/a", True),
        ),
    ),
    case(
        "egress-denied-client-side",
        "egress-denied-client-side",
        (
            80,
            "TCP",
            R()
            .expect_peer("x/a", "", False)
            .expect_peer("", "y/a", False)
            .expect("x/a", "y/a", True)
            .expect_peer("", "y/b", False),
        ),
    ),
    case(
        "egress-pod-in-other-namespace",
        "egress-pod-in-other-namespace",
        (80, "TCP", R().expect_all_egress("x/a", False).expect("x/a", "y/a", True)),
    ),
    case(
        "any-port-one-protocol",
        "any-port-one-protocol",
        (80, "TCP", R()),
        (80, "UDP", NO_INGRESS_XA),
    ),
    case("ingress-port-80", "ingress-port-80", (81, "TCP", NO_INGRESS_X)),
    case("ingress-allow-all-precedence", "ingress-allow-all-precedence", (81, "TCP", R())),
    case("egress-port-80", "egress-port-80", (81, "TCP", NO_EGRESS_X)),
    case("egress-allow-all-precedence", "egress-allow-all-precedence", (81, "TCP", R())),
    case(
        "deleted-policy-before",
        "default-deny-all",
        (80, "TCP", R().expect_peer("x", "", False).expect_peer("", "x", False)),
    ),
    case("deleted-policy-after", (), (80, "TCP", R())),
    case(
        "egress-cidr",
        "egress-cidr",
        (80, "TCP", R().expect_all_egress("x/a", False).expect("x/a", "y/b", True)),
    ),
    case(
        "egress-cidr-ignored-for-pods",
        "egress-cidr",
        (80, "TCP", R().expect_all_egress("x/a", False)),
        reading="ignore",
    ),
    case("egress-cidr-except", "egress-cidr-except", (80, "TCP", R().expect("x/a", "x/b", False))),
    case(
        "egress-cidr-overlapping-except",
        "egress-cidr-overlapping-except",
        (80, "TCP", R().expect_all_egress("x/a", False).expect("x/a", "x/b", True)),
    ),
    case("ingress-egress-independent-before", "egress-allow-for-target", (80, "TCP", R())),
    case(
        "ingress-egress-independent-after",
        "ingress-egress-independent",
        (80, "TCP", NO_INGRESS_XA),
    ),
    case(
        "sctp-is-not-tcp",
        "sctp-is-not-tcp",
        (81, "TCP", NO_INGRESS_X),
        (
            81,
            "SCTP",
            R().expect_peer("", "x", False).expect_all_ingress("x/a", True),
        ),
    ),
    case("sctp-isolates", "sctp-isolates", (81, "TCP", NO_INGRESS_XA), (80, "SCTP", R())),
    case("udp-is-not-tcp", "udp-is-not-tcp", (81, "TCP", NO_INGRESS_XA), (81, "UDP", R())),
    case("default-namespace-label", "default-namespace-label", (80, "TCP", NS_Y_TO_XA)),
    case(
        "default-namespace-label-expressions",
        "default-namespace-label-expressions",
        (80, "TCP", R().expect_peer("x/a", "y", False)),
    ),
    case("udp-default-deny-ingress", "default-deny-ingress", (80, "UDP", NO_INGRESS_X)),
    case("udp-ports", "ports-udp", (81, "UDP", NS_Y_TO_XA), (81, "TCP", NO_INGRESS_XA)),
    case("udp-pod-in-other-namespace", "pod-in-other-namespace", (80, "UDP", ONLY_YA_TO_XA)),
    case("sctp-default-deny-ingress", "default-deny-ingress", (80, "SCTP", NO_INGRESS_X)),
    case("sctp-ports", "ports-sctp", (81, "SCTP", NS_Y_TO_XA), (80, "SCTP", NO_INGRESS_XA)),
    case("sctp-pod-in-other-namespace", "pod-in-other-namespace", (80, "SCTP", ONLY_YA_TO_XA)),
    case(
        "end-port-ingress",
        "end-port-ingress",
        (80, "TCP", NS_Y_TO_XA),
        (81, "TCP", NS_Y_TO_XA),
        (81, "UDP", NO_INGRESS_XA),
    ),
    case(
        "end-port-egress",
        "end-port-egress",
        (80, "TCP", R().expect_all_egress("x/a", False)),
        (81, "TCP", R()),
        (80, "UDP", R()),
        (81, "UDP", R().expect_all_egress("x/a", False)),
    ),
    case(
        "ingress-cidr-except",
        "ingress-cidr-except",
        (80, "TCP", R().expect_peer("y", "x/a", False).expect("z/c", "x/a", False)),
    ),
    case(
        "named-port-udp",
        "named-port-udp",
        (81, "UDP", R()),
        (80, "UDP", NO_INGRESS_XA),
        (81, "TCP", NO_INGRESS_XA),
    ),
    case(
        "named-port-wrong-protocol",
        "named-port-wrong-protocol",
        (80, "UDP", NO_INGRESS_XA),
        (80, "TCP", NO_INGRESS_XA),
    ),
    case(
        "egress-stacked-rules",
        "egress-stacked-rules",
        (
            53,
            "UDP",
            R()
            .expect_peer("x", "", False)
            .expect_peer("x", "x/b", True)
            .expect_peer("x", "x/c", True)
            .expect_peer("x", "y/c", True)
            .expect_peer("x", "z/c", True),
        ),
        (
            80,
            "TCP",
            R()
            .expect_peer("x", "", False)
            .expect_peer("x", "x/b", True)
            .expect_peer("x", "x/c", True),
        ),
    ),
    case(
        "query-by-port-name",
        "named-port-ingress",
        ("serve-81-tcp", "TCP", R()),
        ("serve-80-tcp", "TCP", NO_INGRESS_X),
    ),
]


def _directory(tmp_path: Path, item: Case) -> Path:
    directory = tmp_path / item.name
    directory.mkdir()
    (directory / "cluster.yaml").write_text(cluster_yaml(item.pod_labels, item.namespace_labels))
    for name in item.policies:
        shutil.copy(FIXTURES / f"{name}.yaml", directory / f"{name}.yaml")
    return directory


def _analyze(directory: Path, port: int | str, protocol: str, reading: str) -> Any:
    """``netfence analyze DIR --port P --protocol PROTO --format json``, in process."""
    arguments = ["analyze", str(directory), "--port", str(port), "--protocol", protocol]
    arguments += ["--ipblock-pods", reading, "--format", "json"]
    result = CliRunner().invoke(app, arguments)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_cli_subprocess_gives_the_same_json(tmp_path: Path) -> None:
    item = next(c for c in CASES if c.name == "egress-cidr-except")
    directory = _directory(tmp_path, item)
    result = run_cli("analyze", str(directory), "--port", "80", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == _analyze(directory, 80, "TCP", "match")


@pytest.mark.parametrize("item", CASES, ids=[c.name for c in CASES])
def test_upstream_case(item: Case, tmp_path: Path) -> None:
    directory = _directory(tmp_path, item)
    for port, protocol, reachability in item.queries:
        (query,) = _analyze(directory, port, protocol, item.reading)["queries"]
        assert query["port"] == port and query["protocol"] == protocol
        got = {(c["from"], c["to"]): c["allowed"] for c in query["matrix"]}
        assert len(query["matrix"]) == len(PODS) ** 2
        expected = reachability.expected()
        wrong = sorted(pair for pair in expected if got[pair] != expected[pair])
        assert not wrong, f"{port}/{protocol}: cells differ: {wrong}"
