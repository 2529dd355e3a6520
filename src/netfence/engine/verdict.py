"""Verdicts that carry their reasons: explanations are rendered from these, never recomputed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from netfence.model import Direction, Protocol
from netfence.problems import Source


@dataclass(frozen=True)
class RuleRef:
    """One rule that admitted traffic: policy id, direction, rule index, peer and port index.

    ``peer`` is None when the rule has no peers (all peers); ``port`` is None when it has no
    ports (all ports).
    """

    policy: str
    direction: Direction
    rule: int
    peer: int | None
    port: int | None
    source: Source | None = None

    def __str__(self) -> str:
        where = f"{self.policy} {self.direction}[{self.rule}]"
        if self.peer is not None:
            where += f" peer[{self.peer}]"
        if self.port is not None:
            where += f" port[{self.port}]"
        return where


@dataclass(frozen=True)
class NearMiss:
    """A rule of an isolating policy that matched the peer or the port, but not both.

    ``rule`` carries the index of the part that did match; ``why`` says what the other
    part failed on.
    """

    rule: RuleRef
    missed: Literal["peer", "port"]
    why: str


@dataclass(frozen=True)
class TierDecision:
    """The tier rule that decided (or passed) one side of a connection.

    ``ambiguous_with`` names policies of the same tier and priority with a matching rule of
    another action: the API lets an implementation apply either of them.
    """

    tier: str
    policy: str
    policy_label: str
    direction: Direction
    rule: int
    rule_label: str
    action: str
    source: Source | None = None
    ambiguous_with: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"{self.policy_label}, {self.direction} rule {self.rule_label}"


@dataclass(frozen=True)
class SideVerdict:
    """The decision at one end of a connection: egress of the source or ingress of the target.

    ``near_misses`` are kept only when no rule admitted the connection.
    """

    direction: Direction
    endpoint: str
    isolated: bool
    policies: tuple[str, ...]
    admitted_by: tuple[RuleRef, ...]
    allowed: bool
    near_misses: tuple[NearMiss, ...] = ()
    decided_by: TierDecision | None = None
    passed_by: TierDecision | None = None
    networkpolicy_allowed: bool | None = None

    @property
    def tier(self) -> str:
        """Which layer decided: Admin, NetworkPolicy, Baseline, or "default" (nothing did)."""
        if self.decided_by is not None:
            return self.decided_by.tier
        return "NetworkPolicy" if self.isolated else "default"


@dataclass(frozen=True)
class Verdict:
    """Whether ``src`` may open a connection to ``dst`` on ``port``/``protocol``, and why."""

    src: str
    dst: str
    port: int | str
    resolved_port: int | None
    protocol: Protocol
    allowed: bool
    self_traffic: bool
    egress: SideVerdict
    ingress: SideVerdict
    ipblock_reading_decided: bool
    depends_on_address: AddressDependence | None = None
    """Set when an end without an IP is allowed at some addresses of the pod CIDR and not at
    others (this verdict is then one at an address that blocks it)."""
    resolution: str = ""
    """How ``--resolve`` decided an ``fqdn:`` end: its addresses, and which one's verdict."""

    @property
    def tier(self) -> str | None:
        """The tier (Admin or Baseline) that decided the verdict, None when no tier did."""
        if self.self_traffic:
            return None
        if not self.allowed:
            blocked = self.blocked_at
            decided = blocked[0].decided_by if blocked else None
            return None if decided is None else decided.tier
        tiers = [s.decided_by.tier for s in (self.egress, self.ingress) if s.decided_by]
        return "Admin" if "Admin" in tiers else (tiers[0] if tiers else None)

    @property
    def blocked_at(self) -> tuple[SideVerdict, ...]:
        """The sides that refused the connection (empty when allowed)."""
        if self.allowed:
            return ()
        return tuple(side for side in (self.egress, self.ingress) if not side.allowed)


@dataclass(frozen=True)
class AddressDependence:
    """Why a verdict depends on where an endpoint without an IP gets its address."""

    condition: str
    """When it is allowed: ``ai-data/minio's address is in 10.244.0.0/17``."""
    allowing: Verdict
    """The verdict at an address that allows it (its rules say which ipBlock admits it)."""
    pod_cidr: str
    """The pod CIDR the addresses come from, and where it was found."""
    blocks: tuple[str, ...] = ()
    """The ipBlocks holding part of the pod CIDR that admit it there (with their rules)."""
