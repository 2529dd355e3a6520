"""dns-egress-blocked and dns-tcp-blocked: can every endpoint resolve names?"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace

from netfence.engine import Engine, ExternalRange, Node, SideVerdict
from netfence.lint import snippets
from netfence.lint.catalogue import found
from netfence.lint.context import LintContext
from netfence.lint.finding import Finding
from netfence.lint.grouping import counted, grouped
from netfence.model import Endpoint, Protocol
from netfence.vocabulary import DNS_PORT


@dataclass(frozen=True)
class DnsGap:
    """An endpoint whose DNS queries over ``protocol`` are refused, and where."""

    endpoint: Endpoint
    protocol: Protocol
    side: SideVerdict


def dns_gaps(
    engine: Engine, endpoints: Iterable[Endpoint], targets: Sequence[Node], protocol: Protocol
) -> list[DnsGap]:
    """Endpoints that can reach none of the DNS ``targets`` on 53/``protocol`` (read from the
    class matrix; the refusing side from the verdict to the first target, asked once per pair
    of classes when it is a pod, and told at this endpoint's end)."""
    allowed = engine.class_allowed(DNS_PORT, protocol)
    columns = [engine.node_class(target) for target in targets]
    gaps = []
    for endpoint in endpoints:
        row = allowed[engine.node_class(endpoint)]
        others = [(t, c) for t, c in zip(targets, columns, strict=True) if t != endpoint]
        if not others or any(row[c] for _, c in others):
            continue
        target = others[0][0]
        if isinstance(target, Endpoint):
            verdict = engine.class_verdict(endpoint, target, DNS_PORT, protocol)
        else:
            verdict = engine.verdict(endpoint, target, DNS_PORT, protocol)
        side = verdict.blocked_at[0]
        owner = endpoint if side.direction == "egress" else target
        gaps.append(DnsGap(endpoint, protocol, replace(side, endpoint=owner.id)))
    return gaps


def target_name(ctx: LintContext) -> str:
    """The DNS servers a finding names: kube-dns pods and NodeLocal DNSCache addresses."""
    names = [
        f"NodeLocal DNSCache {node.representative}" if isinstance(node, ExternalRange) else node.id
        for node in ctx.dns_targets
    ]
    return ", ".join(names)


def refusal(side: SideVerdict, subject: str) -> str:
    """``egress of SUBJECT is isolated by P and no egress rule admits it``."""
    if side.decided_by is not None:
        decided = side.decided_by
        return f"{side.direction} of {subject} is denied at {decided.tier} tier by {decided}"
    policies = ", ".join(side.policies)
    return (
        f"{side.direction} of {subject} is isolated by {policies} "
        f"and no {side.direction} rule admits it"
    )


def check_dns(ctx: LintContext) -> Iterator[Finding]:
    """One finding per namespace and refusing side, for UDP, then TCP where UDP works."""
    if not ctx.dns_targets:
        return
    clients = [e for e in ctx.subjects if not ctx.is_dns(e)]
    udp = dns_gaps(ctx.engine, clients, ctx.dns_targets, "UDP")
    blocked = {gap.endpoint for gap in udp}
    tcp = dns_gaps(ctx.engine, [e for e in clients if e not in blocked], ctx.dns_targets, "TCP")
    yield from _findings(ctx, "dns-egress-blocked", udp)
    yield from _findings(ctx, "dns-tcp-blocked", tcp)


def _story(gap: DnsGap) -> tuple[str, str, tuple[str, ...]]:
    """Gaps of one namespace that the same policies cause at the same side: one finding."""
    decided = gap.side.decided_by.policy if gap.side.decided_by else ""
    return (gap.endpoint.namespace, gap.side.direction, (*gap.side.policies, decided))


def _findings(ctx: LintContext, rule_id: str, gaps: list[DnsGap]) -> Iterator[Finding]:
    for members in grouped(gaps, _story):
        side, namespace = members[0].side, members[0].endpoint.namespace
        obj, source = ctx.blocker(side)
        ids = [gap.endpoint.id for gap in members]
        names = ids[0] if len(ids) == 1 else counted("pods", ids)
        several = side.direction == "egress" and len(members) > 1
        where = refusal(side, "these pods" if several else side.endpoint)
        yield found(
            rule_id,
            message=f"{names} cannot reach cluster DNS ({target_name(ctx)}) on "
            f"{DNS_PORT}/{members[0].protocol}: {where}",
            obj=obj,
            source=source,
            snippet=snippets.allow_dns(namespace, ctx.options.dns_ips),
        )
