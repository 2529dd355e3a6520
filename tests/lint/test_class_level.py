"""Lint rules answered per class of endpoints agree with the same rules asked pair by pair
(the per-pair verdicts are the spec) on random clusters."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netfence.engine import Engine, EngineOptions, Node, RuleRef, SideVerdict
from netfence.engine.peers import peer_matches
from netfence.lint import LintOptions
from netfence.lint.context import LintContext
from netfence.lint.dns import DnsGap, dns_gaps
from netfence.lint.flows import OneSidedFlow, _by_intent, candidate_ports, flows_of
from netfence.lint.grouping import EXAMPLES, grouped
from netfence.lint.intents import is_intent
from netfence.lint.isolation import WHAT_IF_NAME, _what_if, missing_baseline
from netfence.lint.redundancy import _Replies, _reply_mirrors
from netfence.lint.setup import make_engine, with_assumed_dns
from netfence.model import (
    DIRECTIONS,
    Cluster,
    ContainerPort,
    Direction,
    Endpoint,
    LabelSelector,
    NetworkPolicy,
    PolicyPort,
)
from netfence.vocabulary import DNS_PORT
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


def _pairwise_flows(
    engine: Engine, policies: dict[str, NetworkPolicy], pairs: list[tuple[Endpoint, Endpoint]]
) -> list[tuple[object, ...]]:
    """one-sided-flow asked of ``engine``'s verdict for every pair and candidate port."""
    flows: list[tuple[object, ...]] = []
    for src, dst in pairs:
        if not engine.selecting(src, "egress") or not engine.selecting(dst, "ingress"):
            continue
        found: dict[str, tuple[RuleRef, SideVerdict, list[tuple[int, str]]]] = {}
        for port, protocol in sorted(candidate_ports(engine, src, dst)):
            verdict = engine.verdict(src, dst, port, protocol)
            if verdict.allowed:
                continue
            for admits, refuses in (
                (verdict.egress, verdict.ingress),
                (verdict.ingress, verdict.egress),
            ):
                refs = [r for r in admits.admitted_by if _by_intent(r, policies)]
                if admits.allowed and not refuses.allowed and refs and not refuses.decided_by:
                    entry = found.setdefault(refuses.direction, (refs[0], refuses, []))
                    entry[2].append((port, protocol))
        flows += [
            (src.id, dst.id, ref, side.direction, side.policies, side.endpoint, tuple(ports))
            for ref, side, ports in found.values()
        ]
    return flows


def _described(flows: list[OneSidedFlow]) -> list[tuple[object, ...]]:
    return [(f.src.id, f.dst.id, f.admitted, *_side(f.refused), f.ports) for f in flows]


def _side(side: SideVerdict) -> tuple[object, ...]:
    return side.direction, side.policies, side.endpoint


def _intended(ctx: LintContext) -> list[tuple[Endpoint, Endpoint]]:
    """The spec of ``Intents``, pod by pod: per policy and direction, each selected subject
    with each endpoint its label peers name (a subject or a DNS server), peer by peer, each
    pair where first named, none with itself."""
    labels = {ns.name: ns.label_map for ns in ctx.cluster.namespaces}
    found: dict[tuple[str, str], tuple[Endpoint, Endpoint]] = {}
    for policy in ctx.cluster.policies:
        for direction in DIRECTIONS:
            own = [e for e in ctx.selected(policy, direction) if e in ctx.subject_set]
            named = [
                e
                for rule in policy.rules(direction)
                for peer in rule.peers
                if is_intent(peer)
                for e in ctx.cluster.endpoints
                if (e in ctx.subject_set or ctx.is_dns(e))
                and peer_matches(peer, policy.namespace, e, labels.get(e.namespace, {}), "ignore")
            ]
            for mine in own:
                for other in named:
                    pair = (mine, other) if direction == "egress" else (other, mine)
                    if pair[0] != pair[1]:
                        found.setdefault((pair[0].id, pair[1].id), pair)
    return list(found.values())


@SETTINGS
@given(RANDOM, READINGS)
def test_intents_are_the_pairs_the_policies_name_in_their_order(
    cluster: Cluster, reading: str
) -> None:
    ctx = _context(cluster, reading)
    intents = ctx.intents
    pairs = intents.pod_pairs(np.arange(len(intents)))
    order = np.lexsort(tuple(reversed(pairs.key)))
    endpoints = ctx.cluster.endpoints
    got = [
        (endpoints[s].id, endpoints[d].id)
        for s, d in zip(pairs.source[order], pairs.target[order], strict=True)
    ]
    assert got == [(s.id, d.id) for s, d in _intended(ctx)]
    counts = intents.pair_counts(np.arange(len(intents)))
    assert int(counts.sum()) == len(got)
    for position, endpoint in enumerate(endpoints):
        sources = [endpoints[i].id for i in intents.sources_of(position).tolist()]
        assert sources == [s.id for s, d in _intended(ctx) if d == endpoint]


@SETTINGS
@given(RANDOM, READINGS)
def test_one_sided_flows_per_class_agree_with_every_pair(cluster: Cluster, reading: str) -> None:
    ctx = _context(cluster, reading)
    pairs = [(s, d) for s, d in _intended(ctx) if not ctx.is_dns(d)]
    assert _described(flows_of(ctx)) == _pairwise_flows(ctx.engine, ctx.policies_by_id, pairs)


@SETTINGS
@given(RANDOM, READINGS)
def test_flow_stories_group_every_flow_by_its_story(cluster: Cluster, reading: str) -> None:
    """``Flows.stories`` (grouped on arrays) is every flow grouped by rule, refusing side,
    ports and the refusing end's namespace, in first-seen order, with its first examples."""
    flows = list(flows_of(_context(cluster, reading)))

    def key(flow: OneSidedFlow) -> tuple[object, ...]:
        owner = flow.dst if flow.refusing.direction == "ingress" else flow.src
        refusing = flow.refusing
        return (flow.admitted, refusing.direction, refusing.policies, flow.ports, owner.namespace)

    expected = [(group[:EXAMPLES], len(group)) for group in grouped(flows, key)]
    stories = flows_of(_context(cluster, reading)).stories()
    assert [(_described(shown), n) for shown, n in stories] == [
        (_described(shown), n) for shown, n in expected
    ]


def _pairwise_gaps(
    engine: Engine, endpoints: list[Endpoint], targets: tuple[Node, ...]
) -> list[DnsGap]:
    """dns_gaps asked of the verdict of every endpoint and target."""
    gaps = []
    for endpoint in endpoints:
        verdicts = [engine.verdict(endpoint, t, DNS_PORT, "UDP") for t in targets if t != endpoint]
        refused = verdicts[0].blocked_at if verdicts else ()
        if refused and not any(v.allowed for v in verdicts):
            gaps.append(DnsGap(endpoint, "UDP", refused[0]))
    return gaps


@SETTINGS
@given(RANDOM, READINGS)
def test_default_deny_what_if_agrees_with_an_engine_per_namespace(
    cluster: Cluster, reading: str
) -> None:
    """The what-if asked of an engine with the deny-all added, pair by pair."""
    ctx = _context(cluster, reading)
    for namespace in sorted({e.namespace for e in ctx.subjects}):
        missing = missing_baseline(ctx.cluster.policies, namespace)
        if not missing:
            continue
        baseline = NetworkPolicy(namespace, WHAT_IF_NAME, LabelSelector(), frozenset(missing))
        changed = replace(ctx.cluster, policies=(*ctx.cluster.policies, baseline))
        engine = make_engine(changed, ctx.options, ctx.cidrs)
        clients = [e for e in ctx.subjects if e.namespace == namespace and not ctx.is_dns(e)]
        lost: list[Endpoint] = []
        if "egress" in missing and ctx.dns_targets:
            before = {g.endpoint for g in _pairwise_gaps(ctx.engine, clients, ctx.dns_targets)}
            after = _pairwise_gaps(engine, clients, ctx.dns_targets)
            lost = [g.endpoint for g in after if g.endpoint not in before]
        pairs = [
            (s, d)
            for s, d in _intended(ctx)
            if ("ingress" in missing and d.namespace == namespace)
            or ("egress" in missing and s.namespace == namespace and not ctx.is_dns(d))
        ]
        policies = {**ctx.policies_by_id, baseline.id: baseline}
        broken = [
            flow
            for flow in _pairwise_flows(engine, policies, pairs)
            if ctx.engine.verdict(str(flow[0]), str(flow[1]), *flow[-1][0]).allowed  # type: ignore[index]
        ]
        lost_dns, flows = _what_if(ctx, namespace, missing)
        assert lost_dns == lost
        assert _described(flows) == broken


@SETTINGS
@given(RANDOM, READINGS)
def test_dns_gaps_per_class_agree_with_every_verdict(cluster: Cluster, reading: str) -> None:
    ctx = _context(cluster, reading)
    clients = [e for e in ctx.subjects if not ctx.is_dns(e)]
    expected = _pairwise_gaps(ctx.engine, clients, ctx.dns_targets)
    found = dns_gaps(ctx.engine, clients, ctx.dns_targets, "UDP")
    assert [_gap(g) for g in found] == [_gap(g) for g in expected]


def _gap(gap: DnsGap) -> tuple[object, ...]:
    """What a finding tells of a gap (the refusing side's near misses name the other end)."""
    side = gap.side
    return gap.endpoint.id, side.direction, side.endpoint, side.policies, side.decided_by


@SETTINGS
@given(RANDOM, READINGS)
def test_peer_endpoints_agree_with_peer_semantics(cluster: Cluster, reading: str) -> None:
    ctx = _context(cluster, reading)
    labels = {n.name: n.label_map for n in ctx.cluster.namespaces}
    for policy, _, _, rule in ctx.cluster.rules():
        for peer in rule.peers:
            expected = [
                e
                for e in ctx.cluster.endpoints
                if peer_matches(
                    peer, policy.namespace, e, labels[e.namespace], ctx.options.ipblock_pods
                )
            ]
            assert ctx.peer_endpoints(policy, peer) == expected
