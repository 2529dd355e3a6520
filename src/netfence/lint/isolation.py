"""no-default-deny (with what adding one would break) and unprotected-endpoint."""

from __future__ import annotations

from collections.abc import Iterator

from netfence.lint import snippets
from netfence.lint.catalogue import found
from netfence.lint.context import LintContext
from netfence.lint.dns import dns_gaps
from netfence.lint.finding import Finding
from netfence.lint.flows import OneSidedFlow, one_sided_flows
from netfence.lint.setup import is_system_namespace, make_engine
from netfence.lint.wording import endpoint_obj
from netfence.model import DIRECTIONS, Cluster, Direction, Endpoint, LabelSelector, NetworkPolicy
from netfence.problems import Source

WHAT_IF_NAME = "netfence-what-if-deny-all"


def missing_baseline(cluster: Cluster, namespace: str) -> tuple[Direction, ...]:
    """Directions no policy with an empty podSelector isolates in ``namespace``."""
    return tuple(
        d
        for d in DIRECTIONS
        if not any(
            p.namespace == namespace and p.pod_selector.is_empty and d in p.policy_types
            for p in cluster.policies
        )
    )


def _members(ctx: LintContext, namespace: str) -> list[Endpoint]:
    return [e for e in ctx.subjects if e.namespace == namespace]


def _what_if(
    ctx: LintContext, namespace: str, missing: tuple[Direction, ...]
) -> tuple[list[Endpoint], list[OneSidedFlow]]:
    """What a deny-all for ``missing`` in ``namespace`` would break: DNS clients, flows."""
    baseline = NetworkPolicy(namespace, WHAT_IF_NAME, LabelSelector(), frozenset(missing))
    cluster = ctx.cluster
    changed = Cluster(
        cluster.namespaces, cluster.endpoints, (*cluster.policies, baseline), cluster.services
    )
    engine = make_engine(changed, ctx.options, ctx.cidrs)
    members = _members(ctx, namespace)
    lost_dns: list[Endpoint] = []
    if "egress" in missing and ctx.dns_targets:
        clients = [e for e in members if not ctx.is_dns(e)]
        before = {gap.endpoint for gap in dns_gaps(ctx.engine, clients, ctx.dns_targets, "UDP")}
        after = dns_gaps(engine, clients, ctx.dns_targets, "UDP")
        lost_dns = [gap.endpoint for gap in after if gap.endpoint not in before]
    pairs = [
        (src, dst)
        for src, dst in ctx.intended_pairs
        if ("ingress" in missing and dst.namespace == namespace)
        or ("egress" in missing and src.namespace == namespace and not ctx.is_dns(dst))
    ]
    policies = {p.id: p for p in changed.policies}
    broken = [
        flow
        for flow in one_sided_flows(engine, policies, pairs)
        if ctx.engine.verdict(flow.src, flow.dst, *flow.ports[0]).allowed
    ]
    return lost_dns, broken


def _location(ctx: LintContext, namespace: str) -> Source | None:
    declared = ctx.cluster.namespace(namespace)
    if declared is not None and declared.source is not None:
        return declared.source
    policies = [p for p in ctx.cluster.policies if p.namespace == namespace and p.source]
    return policies[0].source if policies else _members(ctx, namespace)[0].source


def check_default_deny(ctx: LintContext) -> Iterator[Finding]:
    """Namespaces with workloads but no deny-all baseline, and what adding one breaks."""
    namespaces = sorted({e.namespace for e in ctx.subjects})
    for namespace in namespaces:
        missing = missing_baseline(ctx.cluster, namespace)
        if is_system_namespace(namespace) or not missing:
            continue
        lost_dns, broken = _what_if(ctx, namespace, missing)
        consequences = []
        snippet = [snippets.deny_all(namespace)]
        if lost_dns:
            names = ", ".join(e.id for e in lost_dns)
            consequences.append(f"DNS for {names} (add allow-dns)")
            snippet.append(snippets.allow_dns(namespace, ctx.options.dns_ips))
        for flow in broken:
            consequences.append(
                f"{flow.describe()}, admitted at {flow.admitted.direction} by {flow.admitted} "
                f"(add {flow.missing})"
            )
            other = flow.src if flow.refused.direction == "ingress" else flow.dst
            snippet.append(
                f"# for {flow.describe()}\n"
                + snippets.rule(flow.refused.direction, other, flow.ports)
            )
        message = (
            f"namespace {namespace} has workloads but no policy isolating all its pods for "
            f"{' and '.join(missing)}"
        )
        if consequences:
            message += "; adding a deny-all would also block: " + "; ".join(consequences)
        yield found(
            "no-default-deny",
            message=message,
            obj=f"Namespace/{namespace}",
            source=_location(ctx, namespace),
            snippet="\n".join(snippet),
        )


def check_unprotected(ctx: LintContext) -> Iterator[Finding]:
    """Endpoints that slip through in namespaces that do have policies."""
    with_policies = {p.namespace for p in ctx.cluster.policies}
    for endpoint in ctx.subjects:
        if endpoint.namespace not in with_policies or is_system_namespace(endpoint.namespace):
            continue
        open_directions = [d for d in DIRECTIONS if not ctx.isolated(endpoint, d)]
        if open_directions:
            yield found(
                "unprotected-endpoint",
                message=f"{endpoint.id} is not isolated for {' or '.join(open_directions)}: "
                f"no policy in {endpoint.namespace} selects it for that direction",
                obj=endpoint_obj(endpoint),
                source=endpoint.source,
                snippet=snippets.deny_all(endpoint.namespace),
            )
