"""no-default-deny (with what adding one would break) and unprotected-endpoint."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np

from netfence.lint import snippets
from netfence.lint.catalogue import found
from netfence.lint.context import LintContext
from netfence.lint.dns import dns_gaps
from netfence.lint.finding import Finding
from netfence.lint.flows import Flows, one_sided_flows
from netfence.lint.setup import is_system_namespace
from netfence.lint.wording import endpoint_obj
from netfence.model import DIRECTIONS, Direction, Endpoint, LabelSelector, NetworkPolicy
from netfence.problems import Source
from netfence.vocabulary import DNS_PORT

WHAT_IF_NAME = "netfence-what-if-deny-all"
SHOWN_FLOWS = 10


def missing_baseline(policies: Iterable[NetworkPolicy], namespace: str) -> tuple[Direction, ...]:
    """Directions no policy (of ``policies``) with an empty podSelector isolates in
    ``namespace``."""
    policies = tuple(policies)
    return tuple(
        d
        for d in DIRECTIONS
        if not any(
            p.namespace == namespace and p.pod_selector.is_empty and d in p.policy_types
            for p in policies
        )
    )


def _members(ctx: LintContext, namespace: str) -> list[Endpoint]:
    return ctx.subjects_in.get(namespace, [])


def _what_if(
    ctx: LintContext, namespace: str, missing: tuple[Direction, ...]
) -> tuple[list[Endpoint], Flows]:
    """What a deny-all for ``missing`` in ``namespace`` would break: DNS clients, flows."""
    baseline = NetworkPolicy(namespace, WHAT_IF_NAME, LabelSelector(), frozenset(missing))
    members = _members(ctx, namespace)
    lost_dns: list[Endpoint] = []
    if "egress" in missing and ctx.dns_targets:
        clients = [e for e in members if not ctx.is_dns(e)]
        lost_dns = _lost_dns(ctx, baseline, clients)
    intents = ctx.intents
    none = np.zeros(0, dtype=np.int64)
    leaving, entering = ctx.intents_by_namespace.get(namespace, (none, none))
    chosen = [none]
    if "ingress" in missing:
        chosen.append(entering)
    if "egress" in missing:
        to_dns = ctx.dns_mask[intents.firsts[intents.target[leaving]]]
        chosen.append(leaving[~to_dns])
    picked = _union(chosen)
    broken = one_sided_flows(ctx, picked, baseline)
    return lost_dns, broken


def _union(ascending: list[np.ndarray]) -> np.ndarray:
    """The distinct entries of arrays each ascending, ascending (merged, not sorted anew)."""
    merged = np.sort(np.concatenate(ascending), kind="stable")  # a merge of sorted runs
    return merged[np.r_[True, merged[1:] != merged[:-1]]] if len(merged) else merged


def _lost_dns(ctx: LintContext, baseline: NetworkPolicy, clients: list[Endpoint]) -> list[Endpoint]:
    """The ``clients`` that reach DNS today and would not with ``baseline`` added. With the
    rule tables exact (``LintContext.admission``), from the class matrix: a policy without
    rules cuts the sides it newly isolates (the egress of a client not yet isolated, the
    ingress of a DNS server of the namespace not yet isolated) and changes no other side."""
    if not ctx.admission.exact:
        engine = ctx.engine_with(baseline)
        before = {gap.endpoint for gap in dns_gaps(ctx.engine, clients, ctx.dns_targets, "UDP")}
        after = dns_gaps(engine, clients, ctx.dns_targets, "UDP")
        return [gap.endpoint for gap in after if gap.endpoint not in before]
    engine = ctx.engine
    allowed = engine.class_allowed(DNS_PORT, "UDP")
    cut_servers = {
        t.id
        for t in ctx.dns_targets
        if isinstance(t, Endpoint)
        and "ingress" in baseline.policy_types
        and t.namespace == baseline.namespace
        and not ctx.isolated(t, "ingress")
    }
    lost = []
    for client in clients:
        others = [t for t in ctx.dns_targets if t != client]
        row = allowed[engine.node_class(client)]
        reached = [t for t in others if row[engine.node_class(t)]]
        if not reached:
            continue
        if not ctx.isolated(client, "egress") or all(t.id in cut_servers for t in reached):
            lost.append(client)
    return lost


def _location(ctx: LintContext, namespace: str) -> Source | None:
    declared = ctx.cluster.namespace(namespace)
    if declared is not None and declared.source is not None:
        return declared.source
    policies = [p for p in ctx.policies_in.get(namespace, ()) if p.source]
    return policies[0].source if policies else _members(ctx, namespace)[0].source


def check_default_deny(ctx: LintContext) -> Iterator[Finding]:
    """Namespaces with workloads but no deny-all baseline, and what adding one breaks."""
    namespaces = sorted({e.namespace for e in ctx.subjects})
    for namespace in namespaces:
        missing = missing_baseline(ctx.policies_in.get(namespace, ()), namespace)
        if is_system_namespace(namespace) or not missing:
            continue
        lost_dns, broken = _what_if(ctx, namespace, missing)
        consequences = []
        snippet = [snippets.deny_all(namespace)]
        if lost_dns:
            names = ", ".join(e.id for e in lost_dns)
            consequences.append(f"DNS for {names} (add allow-dns)")
            snippet.append(snippets.allow_dns(namespace, ctx.options.dns_ips))
        for flow in broken[:SHOWN_FLOWS]:
            consequences.append(
                f"{flow.describe()}, admitted at {flow.admitted.direction} by {flow.admitted} "
                f"(add {flow.missing})"
            )
            other = flow.src if flow.refused.direction == "ingress" else flow.dst
            snippet.append(
                f"# for {flow.describe()}\n"
                + snippets.rule(flow.refused.direction, other, flow.ports)
            )
        if len(broken) > SHOWN_FLOWS:
            consequences.append(f"{len(broken) - SHOWN_FLOWS} more one-sided flows like these")
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
