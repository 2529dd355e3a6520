"""Verdicts carry their reasons: isolating policies and the rule, peer and port that admitted."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest

from netfence.engine import Engine, EngineOptions, RuleRef
from netfence.engine.fix import suggest_fix
from netfence.inputs import read_inputs
from tests.engine.reachability import cluster_yaml

FIXTURES = Path(__file__).parent / "fixtures" / "e2e"


def engine_for(tmp_path: Path, *policies: str, reading: str = "match") -> Engine:
    (tmp_path / "cluster.yaml").write_text(cluster_yaml())
    for name in policies:
        (tmp_path / f"{name}.yaml").write_text((FIXTURES / f"{name}.yaml").read_text())
    inputs = read_inputs([str(tmp_path)])
    assert not inputs.errors
    return Engine(inputs.cluster, EngineOptions(ipblock_pods=reading))  # type: ignore[arg-type]


def test_blocked_verdict_names_the_isolating_policy_and_no_rule(tmp_path: Path) -> None:
    engine = engine_for(tmp_path, "pod-selector")
    verdict = engine.verdict("x/c", "x/a", 80)
    assert not verdict.allowed
    assert verdict.egress.allowed and not verdict.egress.isolated
    assert verdict.ingress.isolated
    assert verdict.ingress.policies == ("x/x-a-allows-x-b",)
    assert verdict.ingress.admitted_by == ()
    assert verdict.blocked_at == (verdict.ingress,)


def test_allowed_verdict_points_at_rule_peer_and_port(tmp_path: Path) -> None:
    engine = engine_for(tmp_path, "pod-or-namespace-selector", "ports")
    by_peer = engine.verdict("x/b", "x/a", 81).ingress.admitted_by
    assert [(r.policy, r.rule, r.peer, r.port) for r in by_peer] == [
        ("x/allow-ns-y-match-selector", 0, 1, None)
    ]
    both = engine.verdict("y/b", "x/a", 81).ingress.admitted_by
    assert [(r.policy, r.peer, r.port) for r in both] == [
        ("x/allow-ns-y-match-selector", 0, None),
        ("x/allow-client-a-via-ns-selector", 0, 0),
    ]
    assert isinstance(both[0], RuleRef) and both[0].source is not None


def test_self_traffic_is_never_filtered(tmp_path: Path) -> None:
    verdict = engine_for(tmp_path, "default-deny-all").verdict("x/a", "x/a", 80)
    assert verdict.allowed and verdict.self_traffic
    assert not verdict.ingress.allowed


def test_port_names_resolve_on_the_destination(tmp_path: Path) -> None:
    engine = engine_for(tmp_path, "named-port-ingress")
    verdict = engine.verdict("y/a", "x/b", "serve-81-tcp")
    assert verdict.allowed and verdict.resolved_port == 81
    missing = engine.verdict("y/a", "x/b", "no-such-port")
    assert not missing.allowed and missing.resolved_port is None
    assert suggest_fix(engine, missing) == []


def test_the_ipblock_reading_is_reported_when_it_decides(tmp_path: Path) -> None:
    engine = engine_for(tmp_path, "egress-cidr")
    matching = engine.verdict("x/a", "y/b", 80)
    assert matching.allowed and matching.ipblock_reading_decided
    assert not engine.verdict("x/a", "y/a", 80).ipblock_reading_decided


def test_ignore_reading_never_matches_pods_but_still_matches_outside(tmp_path: Path) -> None:
    engine = engine_for(tmp_path, "egress-cidr-except", reading="ignore")
    assert not engine.verdict("x/a", "x/c", 80).allowed
    outside = engine.find("9.9.9.9")
    assert outside is not None and outside.id == "ext:0.0.0.0/4-except-10.244.1.20/32"
    assert engine.verdict("x/a", outside, 80).allowed
    assert not engine.verdict("x/a", "192.0.2.7", 80).allowed
    assert engine.find("10.244.1.10") == engine.find("x/a")


def test_connections_are_exact_port_sets(tmp_path: Path) -> None:
    engine = engine_for(tmp_path, "end-port-egress")
    connections = engine.connections("x/a", "y/a")
    assert str(connections["TCP"]) == "81-90"
    assert str(connections["UDP"]) == "80"
    assert connections["SCTP"].is_empty


def test_fix_admits_the_blocked_connection(tmp_path: Path) -> None:
    engine = engine_for(tmp_path, "default-deny-all")
    verdict = engine.verdict("x/a", "y/b", 80)
    (fix,) = suggest_fix(engine, verdict)
    assert fix["metadata"]["namespace"] == "x"
    assert fix["spec"]["policyTypes"] == ["Egress"]
    (peer,) = fix["spec"]["egress"][0]["to"]
    assert peer["podSelector"] == {"matchLabels": {"pod": "b"}}


@pytest.mark.parametrize("ident", ["ext:nothing", "not-an-ip", "x/zz"])
def test_unknown_identifiers_are_not_found(tmp_path: Path, ident: str) -> None:
    engine = engine_for(tmp_path)
    assert engine.find(ident) is None
    with pytest.raises(LookupError):
        engine.verdict(ident, "x/a", 80)


def test_externals_cover_ipv4_and_ipv6(tmp_path: Path) -> None:
    engine = engine_for(tmp_path, "egress-cidr-except")
    versions = {x.version for x in engine.externals}
    assert versions == {4, 6}
    assert all(
        x.representative not in {ipaddress.ip_address("10.244.1.20")} for x in engine.externals
    )


def test_blocked_side_names_the_closest_rules(guide_dir: Path) -> None:
    inputs = read_inputs([str(guide_dir)])
    engine = Engine(inputs.cluster)
    gateway = engine.verdict("gateway/gateway-0", "ai-inference/vllm-0", 8000).ingress
    (miss,) = gateway.near_misses
    assert (miss.rule.policy, miss.rule.rule, miss.missed) == (
        "ai-inference/allow-from-gateway",
        0,
        "peer",
    )
    assert "namespaceSelector purpose=gateway does not match namespace gateway" in miss.why
    dns = engine.verdict("ai-agents/ai-agent-0", "kube-system/coredns-0", 53, "UDP").egress
    (miss,) = dns.near_misses
    assert (miss.rule.policy, miss.missed) == ("ai-agents/allow-to-tools", "port")
    assert "(443/TCP) do not include 53/UDP" in miss.why


def test_admitted_side_keeps_no_near_misses(guide_dir: Path) -> None:
    engine = Engine(read_inputs([str(guide_dir)]).cluster)
    verdict = engine.verdict("ai-inference/vllm-0", "ai-data/minio-0", 443)
    assert verdict.allowed and verdict.egress.near_misses == ()
