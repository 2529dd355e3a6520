"""Rules of Cilium's policies: FQDN rules the DNS proxy cannot see, DNS to the world, DNS
patterns wider than needed, the internet for workloads that must never reach it, L7 rules an
L4 allow makes moot, and endpoints whose allows come from both Cilium and Kubernetes policies.

Each finding is about one rule of one policy (a mixed endpoint: about the Cilium policy), with
the endpoints it concerns counted and the first few named.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from netfence.engine.cilium_fqdn import covers
from netfence.engine.cilium_match import CiliumView, is_cilium_endpoint
from netfence.lint.catalogue import found
from netfence.lint.context import LintContext
from netfence.lint.finding import Finding
from netfence.model import DIRECTIONS, Direction, Endpoint
from netfence.model.cilium import CiliumPeer, CiliumPolicy, CiliumPort, CiliumRule

LISTED = 3
WORLD_ENTITIES = frozenset({"world", "world-ipv4", "world-ipv6", "all"})
GUARDED_ROLES = frozenset({"inference", "data"})
# "*" alone, or a wildcard over every name of a top-level domain ("*.com", "**.io").
_TOO_WIDE = re.compile(r"^(\*|\*\*?\.[a-z0-9-]+\.?)$")
DNS_PORT = 53


def _obj(policy: CiliumPolicy) -> str:
    where = f"{policy.namespace}/" if policy.namespace else ""
    return f"{policy.kind}/{where}{policy.name}"


def _listed(endpoints: Sequence[Endpoint]) -> str:
    names = ", ".join(e.id for e in endpoints[:LISTED])
    more = f" and {len(endpoints) - LISTED} more" if len(endpoints) > LISTED else ""
    return f"{len(endpoints)} endpoint{'s' if len(endpoints) != 1 else ''} ({names}{more})"


def _reaches_world(peer: CiliumPeer) -> bool:
    if peer.kind == "entities":
        return bool(WORLD_ENTITIES & set(peer.entities))
    return peer.kind == "cidrs" and any(b.cidr.prefixlen == 0 for b in peer.cidrs)


def _to_world(rule: CiliumRule) -> bool:
    """An allow rule whose peers include the whole outside (or every peer)."""
    return rule.wildcard or any(_reaches_world(p) for p in rule.peers)


def _has_port(ports: tuple[CiliumPort, ...] | None, number: int) -> bool:
    return ports is None or any(p.name is None and p.low <= number <= p.high for p in ports)


@dataclass
class CiliumLint:
    """The lint run's Cilium view: which endpoints each policy selects."""

    ctx: LintContext

    def __post_init__(self) -> None:
        self.view = CiliumView(self.ctx.cluster)
        subjects = [e for e in self.ctx.subjects if is_cilium_endpoint(e)]
        self.selected = {
            policy.id: tuple(e for e in subjects if policy in self.view.selecting(e))
            for policy in self.ctx.cluster.cilium_policies
        }

    def finding(
        self, rule_id: str, policy: CiliumPolicy, rule: CiliumRule | None, message: str
    ) -> Finding:
        source = rule.source if rule is not None and rule.source else policy.source
        where = f"{policy.short} {rule.label}" if rule is not None else policy.short
        return found(rule_id, message=f"{where}: {message}", obj=_obj(policy), source=source)

    def allows(self, policy: CiliumPolicy, direction: Direction) -> Iterator[CiliumRule]:
        yield from (r for r in policy.rules(direction) if r.action == "Allow")

    def fqdn_visibility(self) -> Iterator[Finding]:
        for policy in self.ctx.cluster.cilium_policies:
            for rule in self.allows(policy, "egress"):
                names = [n for p in rule.peers if p.kind == "fqdns" for n in p.fqdns]
                for name in names:
                    blind = [e for e in self.selected[policy.id] if not self._sees(e, name)]
                    if blind:
                        yield self.finding(
                            "cilium-fqdn-without-dns-visibility",
                            policy,
                            rule,
                            f"toFQDNs {name!r} allows nothing for {_listed(blind)}: no DNS rule "
                            "lets Cilium's proxy see their lookups of it",
                        )

    def _sees(self, endpoint: Endpoint, name: str) -> bool:
        return any(
            covers(pattern, name)
            for policy in self.view.selecting(endpoint)
            for rule in self.allows(policy, "egress")
            for pattern in rule.dns
        )

    def dns_to_world(self) -> Iterator[Finding]:
        for policy in self.ctx.cluster.cilium_policies:
            subjects = self.selected[policy.id]
            for rule in self.allows(policy, "egress"):
                if subjects and _to_world(rule) and _has_port(rule.ports, DNS_PORT):
                    yield self.finding(
                        "cilium-dns-to-world",
                        policy,
                        rule,
                        f"DNS (port 53) is allowed to the world for {_listed(subjects)}: "
                        "lookups can go to any resolver, around kube-dns and the DNS proxy",
                    )

    def wide_patterns(self) -> Iterator[Finding]:
        for policy in self.ctx.cluster.cilium_policies:
            subjects = self.selected[policy.id]
            agents = [e for e in subjects if self.ctx.role(e) == "agents"]
            for rule in self.allows(policy, "egress"):
                names = [n for p in rule.peers if p.kind == "fqdns" for n in p.fqdns]
                for name in (n for n in names if _TOO_WIDE.match(n)):
                    if name == "*" and agents:
                        yield self.finding(
                            "cilium-agent-any-fqdn",
                            policy,
                            rule,
                            f"toFQDNs '*' lets agents reach every DNS name: {_listed(agents)}",
                        )
                    elif subjects:
                        yield self.finding(
                            "cilium-fqdn-pattern-too-wide",
                            policy,
                            rule,
                            f"toFQDNs {name!r} matches every name of "
                            f"{'the internet' if name == '*' else 'a top-level domain'} "
                            f"for {_listed(subjects)}",
                        )

    def world_from_guarded(self) -> Iterator[Finding]:
        for policy in self.ctx.cluster.cilium_policies:
            guarded = [e for e in self.selected[policy.id] if self.ctx.role(e) in GUARDED_ROLES]
            for rule in self.allows(policy, "egress"):
                if guarded and not rule.wildcard and any(_reaches_world(p) for p in rule.peers):
                    yield self.finding(
                        "cilium-world-egress",
                        policy,
                        rule,
                        "inference or model storage may reach the whole outside (world or a "
                        f"/0 CIDR): {_listed(guarded)}",
                    )

    def moot_l7(self) -> Iterator[Finding]:
        for policy in self.ctx.cluster.cilium_policies:
            for direction in DIRECTIONS:
                for rule in self.allows(policy, direction):
                    if not any(k != "dns" for k in rule.l7):
                        continue
                    moot = [
                        e for e in self.selected[policy.id] if self._l4_covers(e, direction, rule)
                    ]
                    if moot:
                        yield self.finding(
                            "cilium-l7-rule-moot",
                            policy,
                            rule,
                            f"its L7 rules do not restrict {_listed(moot)}: an L4 allow of the "
                            "same peers and ports lets every request through",
                        )

    def _l4_covers(self, endpoint: Endpoint, direction: Direction, l7: CiliumRule) -> bool:
        """Another allow rule without L7 rules, for the same (or every) peer, covers every port
        of ``l7``."""
        for policy in self.view.selecting(endpoint):
            for rule in self.allows(policy, direction):
                if rule is l7 or rule.l7:
                    continue
                same_peers = rule.wildcard or set(rule.peers) >= set(l7.peers)
                if same_peers and _ports_cover(rule.ports, l7.ports):
                    return True
        return False

    def mixed(self) -> Iterator[Finding]:
        engine = self.ctx.engine
        for policy in self.ctx.cluster.cilium_policies:
            for direction in DIRECTIONS:
                if not any(True for _ in self.allows(policy, direction)):
                    continue
                both = [
                    e
                    for e in self.selected[policy.id]
                    if any(p.rules(direction) for p in engine.selecting(e, direction))
                ]
                if both:
                    yield self.finding(
                        "cilium-mixed-with-networkpolicy",
                        policy,
                        None,
                        f"{direction} of {_listed(both)} is allowed by this policy and by "
                        "Kubernetes NetworkPolicies: the union of both, more than either alone",
                    )


def _ports_cover(
    outer: tuple[CiliumPort, ...] | None, inner: tuple[CiliumPort, ...] | None
) -> bool:
    if outer is None:
        return True
    if inner is None:
        return False
    return all(
        any(
            o.protocol == i.protocol
            and (o.name == i.name if i.name is not None else o.name is None)
            and o.low <= i.low
            and i.high <= o.high
            for o in outer
        )
        for i in inner
    )


def check_cilium(ctx: LintContext) -> Iterator[Finding]:
    if not ctx.cluster.cilium_policies:
        return
    lint = CiliumLint(ctx)
    yield from lint.fqdn_visibility()
    yield from lint.dns_to_world()
    yield from lint.wide_patterns()
    yield from lint.world_from_guarded()
    yield from lint.moot_l7()
    yield from lint.mixed()
