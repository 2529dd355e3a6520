"""What the policies mean to allow: pairs a rule names by label at either end."""

from __future__ import annotations

from typing import Protocol

import numpy as np

from netfence.model import DIRECTIONS, Cluster, Direction, NetworkPolicy, Peer


class PolicyView(Protocol):
    """What finding intended pairs asks of a lint run (``LintContext`` is one)."""

    cluster: Cluster

    @property
    def named_ends(self) -> np.ndarray: ...

    @property
    def subject_mask(self) -> np.ndarray: ...

    def selected_positions(self, policy: NetworkPolicy, direction: Direction) -> np.ndarray: ...

    def peer_positions(self, policy: NetworkPolicy, peer: Peer) -> np.ndarray: ...


def is_intent(peer: Peer) -> bool:
    """Whether a peer names pods or namespaces by label (unlike an ipBlock or ``{}``)."""
    selectors = [s for s in (peer.pod_selector, peer.namespace_selector) if s is not None]
    return peer.ip_block is None and any(not s.is_empty for s in selectors)


def intended_pairs(ctx: PolicyView) -> tuple[np.ndarray, np.ndarray]:
    """(source, destination) pairs that a rule names by label at either end, as positions in
    ``cluster.endpoints``, in the order the policies name them (each pair once, none with
    itself): the selected endpoints (those findings can be about) times the named ones (those
    too, and the DNS servers)."""
    size = len(ctx.cluster.endpoints)
    codes: list[np.ndarray] = []
    for policy in ctx.cluster.policies:
        for direction in DIRECTIONS:
            own = ctx.selected_positions(policy, direction)
            own = own[ctx.subject_mask[own]]
            peers = [
                ctx.peer_positions(policy, peer)
                for rule in policy.rules(direction)
                for peer in rule.peers
                if is_intent(peer)
            ]
            named = np.concatenate([np.zeros(0, dtype=np.int64), *peers])
            named = named[ctx.named_ends[named]]
            if direction == "egress":
                codes.append((own[:, None] * size + named[None, :]).ravel())
            else:
                codes.append((named[None, :] * size + own[:, None]).ravel())
    every = np.concatenate(codes) if codes else np.zeros(0, dtype=int)
    _, first = np.unique(every, return_index=True)
    ordered = every[np.sort(first)]
    sources, targets = ordered // size, ordered % size
    distinct = sources != targets
    return sources[distinct], targets[distinct]
