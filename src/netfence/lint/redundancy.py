"""redundant-rule (removal changes no connection) and return-traffic-rule (replies only)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from netfence.engine import Engine, Node
from netfence.lint.catalogue import rule_info
from netfence.lint.context import DIRECTIONS, LintContext, make_engine, policy_obj
from netfence.lint.finding import Finding
from netfence.lint.snippets import PortKey
from netfence.model import Cluster, Direction, Endpoint, NetworkPolicy, Rule

Pair = tuple[Node, Node]


def without(
    cluster: Cluster, policy: NetworkPolicy, direction: Direction | None = None, index: int = -1
) -> Cluster:
    """``cluster`` without ``policy`` (or without one of its rules)."""
    policies: list[NetworkPolicy] = []
    for other in cluster.policies:
        if other.id != policy.id:
            policies.append(other)
        elif direction is not None:
            kept = tuple(r for i, r in enumerate(other.rules(direction)) if i != index)
            changed = (
                replace(other, ingress=kept)
                if direction == "ingress"
                else replace(other, egress=kept)
            )
            policies.append(changed)
    return Cluster(cluster.namespaces, cluster.endpoints, tuple(policies), cluster.services)


def _pairs(ctx: LintContext, policy: NetworkPolicy, direction: Direction) -> list[Pair]:
    """The connections a rule of ``policy`` in ``direction`` can influence."""
    nodes: list[Node] = [*ctx.cluster.endpoints, *ctx.engine.externals]
    selected = [
        e
        for e in ctx.cluster.endpoints
        if any(p.id == policy.id for p in ctx.engine.selecting(e, direction))
    ]
    if direction == "egress":
        return [(s, d) for s in selected for d in nodes]
    return [(s, d) for d in selected for s in nodes]


def _unchanged(ctx: LintContext, engine: Engine, pairs: list[Pair]) -> bool:
    return all(ctx.engine.connections(s, d) == engine.connections(s, d) for s, d in pairs)


def _redundant(ctx: LintContext, cluster: Cluster, pairs: list[Pair]) -> bool:
    return bool(pairs) and _unchanged(ctx, make_engine(cluster, ctx.options, ctx.cidrs), pairs)


def _is_baseline(policy: NetworkPolicy) -> bool:
    """A deny-all: it protects pods that do not exist yet, so it is never "redundant"."""
    return policy.pod_selector.is_empty and not policy.ingress and not policy.egress


def check_redundancy(ctx: LintContext) -> Iterator[Finding]:
    """Policies, then rules, whose removal leaves every connection exactly as it is."""
    info = rule_info("redundant-rule")
    work = {(p.id, d): _pairs(ctx, p, d) for p in ctx.cluster.policies for d in DIRECTIONS}
    cost = sum(
        len(pairs) * (1 + len(p.ingress) + len(p.egress))
        for (pid, _), pairs in work.items()
        for p in [ctx.policies_by_id[pid]]
    )
    if cost > ctx.options.redundancy_budget:
        ctx.notes.append(f"redundant-rule skipped: {cost} comparisons exceed the budget")
        return
    for policy in ctx.cluster.policies:
        both = work[(policy.id, "ingress")] + work[(policy.id, "egress")]
        if not _is_baseline(policy) and _redundant(ctx, without(ctx.cluster, policy), both):
            yield Finding(
                rule=info.id,
                severity=info.severity,
                message=f"removing policy {policy.id} changes no allowed connection",
                obj=policy_obj(policy),
                source=policy.source,
                hint=info.hint,
            )
            continue
        for direction in DIRECTIONS:
            for index, rule in enumerate(policy.rules(direction)):
                cluster = without(ctx.cluster, policy, direction, index)
                if not _redundant(ctx, cluster, work[(policy.id, direction)]):
                    continue
                ignored = direction not in policy.policy_types
                why = (
                    f" (policyTypes lacks {direction.capitalize()}, so the rule is ignored)"
                    if ignored
                    else " (other rules already admit everything it admits)"
                )
                yield Finding(
                    rule=info.id,
                    severity=info.severity,
                    message=f"removing {direction}[{index}] changes no allowed connection{why}",
                    obj=policy_obj(policy),
                    source=rule.source or policy.source,
                    hint=info.hint,
                )


def _single_ports(rule: Rule) -> list[PortKey]:
    return [
        (p.port, p.protocol) for p in rule.ports if isinstance(p.port, int) and p.end_port is None
    ]


def _serves(endpoint: Endpoint, key: PortKey) -> bool:
    return any((p.port, p.protocol) == key for p in endpoint.ports)


def _reply_mirrors(
    ctx: LintContext, policy: NetworkPolicy, direction: Direction, index: int
) -> list[str]:
    """The connections the rule admits, when every one of them is only a reply's mirror image."""
    keys = _single_ports(policy.rules(direction)[index])
    mirrors: list[str] = []
    for own in [
        e
        for e in ctx.subjects
        if any(p.id == policy.id for p in ctx.engine.selecting(e, direction))
    ]:
        for other in ctx.subjects:
            for port, protocol in keys if other != own else []:
                client, server = (own, other) if direction == "egress" else (other, own)
                verdict = ctx.engine.verdict(client, server, port, protocol)
                side = verdict.egress if direction == "egress" else verdict.ingress
                if not any(r.policy == policy.id and r.rule == index for r in side.admitted_by):
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


def check_return_traffic(ctx: LintContext) -> Iterator[Finding]:
    """Rules whose every admitted connection mirrors a connection the peer opens."""
    info = rule_info("return-traffic-rule")
    for policy in ctx.cluster.policies:
        for direction in DIRECTIONS:
            for index, rule in enumerate(policy.rules(direction)):
                mirrors = _reply_mirrors(ctx, policy, direction, index)
                if not mirrors:
                    continue
                yield Finding(
                    rule=info.id,
                    severity=info.severity,
                    message=f"{direction}[{index}] only admits the reverse of connections that are "
                    f"already allowed ({'; '.join(mirrors)}): NetworkPolicy is stateful, so "
                    "replies of an allowed connection always pass and this rule only widens access",
                    obj=policy_obj(policy),
                    source=rule.source or policy.source,
                    hint=info.hint,
                )
