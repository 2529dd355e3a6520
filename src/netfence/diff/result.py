"""What a semantic diff found: connections added and removed, per pair and protocol."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Literal, NamedTuple

from netfence.engine.intervals import PortSet
from netfence.model import IPNetwork, Protocol

ChangeKind = Literal["added", "removed"]


class Change(NamedTuple):
    """Ports of one protocol that one side allows from ``src`` to ``dst`` and the other does not.

    ``src``/``dst`` are endpoint ids (``ns/name``) or external ids (``ext:...``); for an
    external side, ``src_cidrs``/``dst_cidrs`` list exactly the addresses concerned; grouped,
    ``src``/``dst`` name workloads or namespaces and ``pairs`` counts the member pairs. A tuple,
    since a big diff makes hundreds of thousands of them.
    """

    kind: ChangeKind
    src: str
    dst: str
    protocol: Protocol
    ports: PortSet
    src_cidrs: tuple[IPNetwork, ...] = ()
    dst_cidrs: tuple[IPNetwork, ...] = ()
    tier: str | None = None
    """The tier (Admin or Baseline) that decides the new state, at the lowest changed port."""
    depends_on_address: bool = False
    """Added ports allowed at some addresses of an end without an IP only (a possible new
    allow: the pod CIDR holds addresses where it is allowed)."""
    pairs: int = 1
    """Grouped (``diff --group``): how many ordered pairs of distinct members change so."""
    of: int = 1
    """Grouped: how many ordered pairs of distinct members the two groups have."""

    @property
    def src_external(self) -> bool:
        return self.src.startswith("ext:")

    @property
    def dst_external(self) -> bool:
        return self.dst.startswith("ext:")

    @property
    def is_egress(self) -> bool:
        """Traffic an in-cluster workload sends (to a workload or outside)."""
        return not self.src_external

    @property
    def is_ingress(self) -> bool:
        """Traffic an in-cluster workload receives (from a workload or outside)."""
        return not self.dst_external


@dataclass(frozen=True)
class DiffResult:
    """The connectivity difference between an old and a new policy set."""

    old: str
    new: str
    changes: tuple[Change, ...]
    endpoints_added: tuple[str, ...] = ()
    endpoints_removed: tuple[str, ...] = ()
    ipblock_pods: str = "match"
    group: str = "pod"
    """What ``src``/``dst`` name: pods (and external ranges), workloads or namespaces."""
    pod_records: int = 0
    """Grouped: how many records the pod-level diff has."""
    notes: tuple[str, ...] = ()
    """What the verdicts rest on (where endpoints without an IP have their address)."""
    witnesses: tuple[tuple[str, str], ...] = ()
    """Both sides were evaluated on these possible endpoints (id, description), one witness
    per class of pods the policies tell apart; a pair of one witness with itself stands for
    two distinct pods of its class."""

    def described(self) -> tuple[tuple[str, str], ...]:
        """The witnesses some change names, with their descriptions."""
        named = {i for c in self.changes for i in (c.src, c.dst)}
        return tuple((i, d) for i, d in self.witnesses if i in named)

    @cached_property
    def added(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.kind == "added")

    @cached_property
    def removed(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.kind == "removed")

    @cached_property
    def new_egress(self) -> tuple[Change, ...]:
        return tuple(c for c in self.added if c.is_egress)

    @cached_property
    def new_ingress(self) -> tuple[Change, ...]:
        return tuple(c for c in self.added if c.is_ingress)

    @property
    def is_grouped(self) -> bool:
        """Whether records name workloads or namespaces rather than pods."""
        return self.group != "pod"

    def pairs(self, kind: ChangeKind) -> int:
        """How many pod-level records the ``kind`` records stand for."""
        return sum(c.pairs for c in self.changes if c.kind == kind)

    @property
    def is_empty(self) -> bool:
        return not self.changes
