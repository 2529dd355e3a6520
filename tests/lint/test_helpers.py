"""Small pieces: SARIF paths, address and port wording, finding order and namespaces."""

from __future__ import annotations

import ipaddress
from pathlib import Path

from netfence.engine import ExternalRange, PortSet
from netfence.lint.addresses import describe_externals, is_public
from netfence.lint.finding import Finding, Severity
from netfence.lint.wording import describe_connections
from netfence.model import PROTOCOLS, Protocol
from netfence.problems import Source
from netfence.report.sarif import artifact_uri


def _external(*cidrs: str) -> ExternalRange:
    networks = tuple(ipaddress.ip_network(c) for c in cidrs)
    return ExternalRange(
        id="ext:" + ",".join(cidrs),
        cidrs=networks,
        version=networks[0].version,
        representative=networks[0][1],
        name=",".join(cidrs),
    )


def test_artifact_uri_is_repository_relative_and_encoded(tmp_path: Path) -> None:
    assert artifact_uri("k8s/a b.yaml", str(tmp_path)) == "k8s/a%20b.yaml"
    assert artifact_uri(str(tmp_path / "x.yaml"), str(tmp_path)) == "x.yaml"
    outside = artifact_uri("/elsewhere/x.yaml", str(tmp_path))
    assert outside == "file:///elsewhere/x.yaml"


def test_externals_in_words() -> None:
    assert describe_externals([_external("0.0.0.0/0"), _external("::/0")]) == "any address"
    assert describe_externals([_external("203.0.113.0/24")]) == "203.0.113.0/24"
    assert describe_externals([_external("10.0.0.0/9"), _external("10.128.0.0/10")]) == (
        "10.0.0.0/8 except 10.192.0.0/10"
    )
    assert is_public(_external("203.0.113.0/24")) and not is_public(_external("10.1.0.0/16"))


def test_connections_in_words() -> None:
    everything: dict[Protocol, PortSet] = dict.fromkeys(PROTOCOLS, PortSet.all())
    assert describe_connections(everything) == "all ports and protocols"
    mixed: dict[Protocol, PortSet] = {"TCP": PortSet.single(443), "UDP": PortSet.all()}
    assert describe_connections(mixed) == "443/TCP, all ports/UDP"


def test_findings_sort_by_namespace_then_severity() -> None:
    def make(rule: str, severity: Severity, obj: str) -> Finding:
        return Finding(rule, severity, "m", obj, Source("f", 0, 1), "h")

    findings = [
        make("b", "info", "Pod/ns-b/x"),
        make("a", "warning", "Namespace/ns-b"),
        make("c", "error", "Pod/ns-b/y"),
        make("d", "error", "NetworkPolicy/ns-a/p"),
    ]
    ordered = sorted(findings, key=Finding.sort_key)
    assert [(f.namespace, f.rule) for f in ordered] == [
        ("ns-a", "d"),
        ("ns-b", "c"),
        ("ns-b", "a"),
        ("ns-b", "b"),
    ]
