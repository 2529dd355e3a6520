"""Lint rules answered per class of endpoints agree with the same rules asked pair by pair
(the per-pair verdicts are the spec) on random clusters."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netfence.engine import EngineOptions
from netfence.lint import LintOptions
from netfence.lint.context import LintContext
from netfence.lint.redundancy import _Replies, _reply_mirrors
from netfence.lint.setup import with_assumed_dns
from netfence.model import Cluster, ContainerPort, Direction, Endpoint, NetworkPolicy, PolicyPort
from tests.engine.strategies import clusters, tiered_clusters

READINGS = st.sampled_from(("match", "ignore"))
SERVED = (ContainerPort(80, "TCP", "http"), ContainerPort(8080, "TCP", "web"))
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def few_ports(draw: st.DrawFn) -> Cluster:
    """A random cluster whose pods serve 80 or 8080 and whose rules name one of them: replies
    and one-sided flows are likely."""
    base = draw(st.one_of(clusters(), tiered_clusters()))
    endpoints = tuple(
        replace(e, ports=tuple(draw(st.lists(st.sampled_from(SERVED), max_size=2, unique=True))))
        for e in base.endpoints
    )
    ports = st.lists(st.sampled_from((PolicyPort("TCP", 80), PolicyPort("TCP", 8080))), max_size=2)
    policies = tuple(
        replace(
            p,
            ingress=tuple(replace(r, ports=tuple(draw(ports))) for r in p.ingress),
            egress=tuple(replace(r, ports=tuple(draw(ports))) for r in p.egress),
        )
        for p in base.policies
    )
    return replace(base, endpoints=endpoints, policies=policies)


RANDOM = st.one_of(clusters(), tiered_clusters(), few_ports())


def _context(cluster: Cluster, reading: str) -> LintContext:
    options = LintOptions(engine=EngineOptions(ipblock_pods=reading))  # type: ignore[arg-type]
    return LintContext(with_assumed_dns(cluster, options.dns_labels), {}, options)


def _serves(endpoint: Endpoint, key: tuple[int, str]) -> bool:
    return any((p.port, p.protocol) == key for p in endpoint.ports)


def _pairwise_mirrors(
    ctx: LintContext, policy: NetworkPolicy, direction: Direction, index: int
) -> list[str]:
    """return-traffic-rule's mirrors asked of the engine's verdict for every endpoint pair."""
    rule = policy.rules(direction)[index]
    keys = [
        (p.port, p.protocol) for p in rule.ports if isinstance(p.port, int) and p.end_port is None
    ]
    owners = [e for e in ctx.selected(policy, direction) if e in ctx.subject_set]
    peers = {e: None for p in rule.peers for e in ctx.peer_endpoints(policy, p)} or ctx.subjects
    mirrors: list[str] = []
    for own, other in ((a, b) for a in owners for b in peers if a != b):
        client, server = (own, other) if direction == "egress" else (other, own)
        for port, protocol in keys:
            verdict = ctx.engine.verdict(client, server, port, protocol)
            admitting = verdict.egress if direction == "egress" else verdict.ingress
            if not any(r.policy == policy.id and r.rule == index for r in admitting.admitted_by):
                continue
            reply_shaped = (
                server.ports
                and not _serves(server, (port, protocol))
                and _serves(client, (port, protocol))
                and ctx.engine.verdict(server, client, port, protocol).allowed
            )
            if not reply_shaped:
                return []
            mirrors.append(f"{server.id} -> {client.id} on {port}/{protocol}")
    return mirrors


@SETTINGS
@given(RANDOM, READINGS)
def test_return_traffic_per_class_agrees_with_every_pair(cluster: Cluster, reading: str) -> None:
    ctx = _context(cluster, reading)
    replies = _Replies(ctx)
    for policy, direction, index, _ in ctx.cluster.rules():
        expected = _pairwise_mirrors(ctx, policy, direction, index)
        assert _reply_mirrors(ctx, replies, policy, direction, index) == expected
