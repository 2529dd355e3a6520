"""Fixes that close what an exposure finding reports: isolate the end, or narrow the rule that
admits the risky connection. They never add an allow towards what must stay unreachable."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping

from netfence.engine import Engine, ExternalRange, Node, RuleRef
from netfence.lint import snippets
from netfence.lint.context import LintContext
from netfence.lint.snippets import PortKey
from netfence.lint.wording import Connections
from netfence.model import (
    NAMESPACE_NAME_LABEL,
    Direction,
    Endpoint,
    IPAddress,
    IPBlock,
    Peer,
)

CLIENT_PLACEHOLDER = (
    f"- namespaceSelector: {{matchLabels: {{{NAMESPACE_NAME_LABEL}: CLIENT_NAMESPACE}}}}\n"
    "  podSelector: {matchLabels: {app: CLIENT}}"
)


def admitting_rules(
    ctx: LintContext,
    direction: Direction,
    src: Node,
    dst: Node,
    connections: Connections,
    engine: Engine | None = None,
) -> list[RuleRef]:
    """The rules at ``direction``'s end that admit ``src -> dst`` on any of ``connections``
    (one per rule and peer)."""
    engine = engine or ctx.engine
    found: dict[tuple[str, int, int | None], RuleRef] = {}
    for protocol, ports in sorted(connections.items()):
        for low, _ in ports.ranges:
            verdict = engine.verdict(src, dst, low, protocol)
            side = verdict.egress if direction == "egress" else verdict.ingress
            for ref in side.admitted_by:
                found.setdefault((ref.policy, ref.rule, ref.peer), ref)
    return list(found.values())


def _where(ctx: LintContext, ref: RuleRef) -> str:
    source = ctx.rule_source(ref)
    return f"{ref.policy} {ref.direction}[{ref.rule}]" + (
        f" ({source.file}:{source.line})" if source else ""
    )


def _peer(ctx: LintContext, ref: RuleRef) -> Peer | None:
    if ref.peer is None:
        return None
    rule = ctx.policies_by_id[ref.policy].rules(ref.direction)[ref.rule]
    return rule.peers[ref.peer]


def _labels(endpoint: Endpoint) -> str:
    return "{" + ", ".join(f"{k}: {v}" for k, v in endpoint.labels) + "}"


def isolate(endpoint: Endpoint, direction: Direction) -> str:
    """A policy isolating ``endpoint``'s pods in ``direction`` and admitting nothing."""
    return (
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
        f"metadata: {{name: deny-{direction}-{endpoint.name}, namespace: {endpoint.namespace}}}\n"
        f"spec:\n  podSelector: {{matchLabels: {_labels(endpoint)}}}\n"
        f"  policyTypes: [{direction.capitalize()}]\n"
    )


def _with_excepts(block: IPBlock, addresses: Iterable[IPAddress]) -> str:
    excepts = [str(e) for e in block.excepts]
    for address in addresses:
        if address.version == block.cidr.version and block.contains(address):
            excepts.append(str(ipaddress.ip_network(address)))
    return (
        f"- ipBlock:\n    cidr: {block.cidr_text or block.cidr}\n    except: [{', '.join(excepts)}]"
    )


def close_egress(
    ctx: LintContext,
    endpoint: Endpoint,
    reached: Mapping[ExternalRange, Connections],
    excluded: tuple[IPAddress, ...] = (),
    allowed_by_name: str = "",
) -> str:
    """How to close ``endpoint``'s egress to ``reached``: isolate it, or narrow each admitting
    rule (``excluded``: addresses to add to an admitting ipBlock's except; otherwise its
    ipBlock peer goes, and ``allowed_by_name`` says what may replace it)."""
    if not ctx.isolated(endpoint, "egress"):
        return (
            "its egress is not isolated: isolate it (this admits nothing; then allow DNS and "
            "only the destinations it needs, by selector or by their own CIDRs):\n"
            + isolate(endpoint, "egress")
        )
    refs = {
        (r.policy, r.rule, r.peer): r
        for dst, connections in reached.items()
        for r in admitting_rules(ctx, "egress", endpoint, dst, connections)
    }
    steps = []
    replaced = ""
    for ref in refs.values():
        peer = _peer(ctx, ref)
        where = _where(ctx, ref)
        if peer is None:
            steps.append(
                f"{where} admits every destination: give it a `to` listing only what it must reach"
            )
        elif peer.ip_block is not None and excluded:
            steps.append(
                f"in {where}, except the address:\n{_with_excepts(peer.ip_block, excluded)}"
            )
        elif peer.ip_block is not None:
            steps.append(f"remove the ipBlock {peer.ip_block} from {where}")
            replaced = allowed_by_name
        else:
            steps.append(f"narrow peer[{ref.peer}] of {where}")
    return "close it: " + "; ".join(steps) + replaced if steps else ""


def _clients(ctx: LintContext, endpoint: Endpoint) -> list[Endpoint]:
    """The endpoints a rule of the input names by label as sources of ``endpoint``, one per
    namespace and labels."""
    found: dict[tuple[str, tuple[tuple[str, str], ...]], Endpoint] = {}
    for position in ctx.intents.sources_of(ctx.position[endpoint.id]).tolist():
        src = ctx.cluster.endpoints[position]
        if src != endpoint and not ctx.is_dns(src):
            found.setdefault((src.namespace, src.labels), src)
    return list(found.values())


def _served(endpoint: Endpoint, connections: Connections) -> list[PortKey]:
    keys = [(p.port, p.protocol) for p in endpoint.ports]
    return [
        (port, proto) for port, proto in keys if proto in connections and port in connections[proto]
    ]


def close_ingress(
    ctx: LintContext,
    endpoint: Endpoint,
    wide: list[tuple[Node, Connections, Engine]],
) -> str:
    """How to close ``endpoint``'s ingress from the ``wide`` sources (stand-ins for "anyone"):
    admit only the clients the input's own rules name, or say what to decide."""
    connections: Connections = {}
    for _, part, _ in wide:
        connections.update(part)
    keys = _served(endpoint, connections)
    clients = _clients(ctx, endpoint)
    if clients:
        peers = "\n".join(snippets.peer(c) for c in clients).replace("\n", "\n  ")
        who = "the clients the policies name (" + ", ".join(c.id for c in clients) + ")"
    else:
        peers = CLIENT_PLACEHOLDER.replace("\n", "\n  ")
        who = (
            "the clients you decide must reach it (no rule of the input names any: fill in "
            "CLIENT_NAMESPACE and CLIENT)"
        )
    ports = f"\n  ports: {snippets.ports(keys)}" if keys else ""
    rule = f"ingress:\n- from:\n  {peers}{ports}\n"
    if not ctx.isolated(endpoint, "ingress"):
        return (
            f"its ingress is not isolated: select it with an ingress policy admitting only {who}:\n"
            + isolate(endpoint, "ingress").replace("deny-ingress-", "allow-clients-")
            + "  "
            + rule.replace("\n", "\n  ").rstrip(" ")
        )
    refs = {
        (r.policy, r.rule, r.peer): r
        for src, part, engine in wide
        for r in admitting_rules(ctx, "ingress", src, endpoint, part, engine)
    }
    replaced = ", ".join(_where(ctx, r) for r in refs.values())
    return f"replace {replaced} with a rule admitting only {who}:\n{rule}"
