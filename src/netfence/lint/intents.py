"""What the policies mean to allow: pairs a rule names by label at either end."""

from __future__ import annotations

from typing import Protocol

from netfence.model import DIRECTIONS, Cluster, Direction, Endpoint, NetworkPolicy, Peer


class PolicyView(Protocol):
    """What finding intended pairs asks of a lint run (``LintContext`` is one)."""

    cluster: Cluster

    @property
    def subject_set(self) -> frozenset[Endpoint]: ...

    def selected(self, policy: NetworkPolicy, direction: Direction) -> tuple[Endpoint, ...]: ...

    def peer_endpoints(self, policy: NetworkPolicy, peer: Peer) -> list[Endpoint]: ...

    def is_dns(self, endpoint: Endpoint) -> bool: ...


def is_intent(peer: Peer) -> bool:
    """Whether a peer names pods or namespaces by label (unlike an ipBlock or ``{}``)."""
    selectors = [s for s in (peer.pod_selector, peer.namespace_selector) if s is not None]
    return peer.ip_block is None and any(not s.is_empty for s in selectors)


def intended_pairs(ctx: PolicyView) -> tuple[tuple[Endpoint, Endpoint], ...]:
    """(source, destination) pairs that a rule names by label at either end."""
    pairs: dict[tuple[Endpoint, Endpoint], None] = {}
    for policy in ctx.cluster.policies:
        for direction in DIRECTIONS:
            own = [e for e in ctx.selected(policy, direction) if e in ctx.subject_set]
            named = [
                e
                for rule in policy.rules(direction)
                for peer in rule.peers
                if is_intent(peer)
                for e in ctx.peer_endpoints(policy, peer)
            ]
            for a in own:
                for b in (e for e in named if e in ctx.subject_set or ctx.is_dns(e)):
                    pairs[(a, b) if direction == "egress" else (b, a)] = None
    return tuple(pair for pair in pairs if pair[0] != pair[1])
