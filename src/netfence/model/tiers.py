"""Cluster-scoped policy tiers: one ordered model of rules with actions Allow, Deny and Pass.

AdminNetworkPolicy and BaselineAdminNetworkPolicy (policy.networking.k8s.io/v1alpha1) and
ClusterNetworkPolicy (v1alpha2) all translate into ``TierPolicy``; v1alpha2's ``Accept`` is
the model's ``Allow``. NetworkPolicy keeps its own objects: it is the tier between Admin and
Baseline, with isolation-plus-union semantics.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from netfence.model.types import IPAddress, IPNetwork, LabelSelector, Protocol
from netfence.problems import Source

Tier = Literal["Admin", "Baseline"]
Action = Literal["Allow", "Deny", "Pass"]
PeerKind = Literal["namespaces", "pods", "nodes", "networks", "domainNames"]
TIERS: tuple[Tier, ...] = ("Admin", "Baseline")
SHORT_KIND = {
    "AdminNetworkPolicy": "ANP",
    "BaselineAdminNetworkPolicy": "BANP",
    "ClusterNetworkPolicy": "CNP",
}


@dataclass(frozen=True)
class TierSelector:
    """Pods in namespaces matching ``namespaces`` whose labels match ``pods`` (None: all)."""

    namespaces: LabelSelector
    pods: LabelSelector | None = None

    def __str__(self) -> str:
        if self.pods is None:
            return f"namespaces {self.namespaces}"
        return f"pods {self.pods} in namespaces {self.namespaces}"


@dataclass(frozen=True)
class TierPeer:
    """One entry of ``from``/``to``: exactly one kind of peer is set."""

    kind: PeerKind
    selector: TierSelector | None = None
    nodes: LabelSelector | None = None
    networks: tuple[IPNetwork, ...] = ()
    domains: tuple[str, ...] = ()

    def __str__(self) -> str:
        if self.selector is not None:
            return str(self.selector)
        if self.nodes is not None:
            return f"nodes {self.nodes}"
        if self.networks:
            return "networks " + ",".join(str(n) for n in self.networks)
        return "domainNames " + ",".join(self.domains)


@dataclass(frozen=True)
class TierPort:
    """A port number or range of one protocol, or a named container port (any protocol)."""

    protocol: Protocol = "TCP"
    low: int = 0
    high: int = 0
    name: str | None = None

    def __str__(self) -> str:
        if self.name is not None:
            return f"named port {self.name}"
        if self.low == self.high:
            return f"{self.low}/{self.protocol}"
        return f"{self.low}-{self.high}/{self.protocol}"


@dataclass(frozen=True)
class TierRule:
    """One ingress or egress rule. ``ports`` None: every port of every protocol."""

    index: int
    action: Action
    peers: tuple[TierPeer, ...]
    ports: tuple[TierPort, ...] | None = None
    name: str = ""
    source: Source | None = field(default=None, compare=False)

    @property
    def label(self) -> str:
        return repr(self.name) if self.name else f"#{self.index}"


@dataclass(frozen=True)
class TierPolicy:
    """An AdminNetworkPolicy, BaselineAdminNetworkPolicy or ClusterNetworkPolicy."""

    kind: str
    name: str
    tier: Tier
    priority: int | None
    subject: TierSelector
    ingress: tuple[TierRule, ...] = ()
    egress: tuple[TierRule, ...] = ()
    api_version: str = ""
    source: Source | None = field(default=None, compare=False)

    @property
    def id(self) -> str:
        return f"{self.kind}/{self.name}"

    @property
    def short(self) -> str:
        """``ANP deny-egress priority 5``: how explanations name the policy."""
        text = f"{SHORT_KIND.get(self.kind, self.kind)} {self.name}"
        return text if self.priority is None else f"{text} priority {self.priority}"

    def rules(self, direction: str) -> tuple[TierRule, ...]:
        return self.ingress if direction == "ingress" else self.egress

    @property
    def order(self) -> tuple[int, str, str]:
        """Evaluation order inside a tier: priority first (lowest first), then kind and name,
        a deterministic choice where the API leaves the order to the implementation."""
        return (self.priority if self.priority is not None else -1, self.kind, self.name)


@dataclass(frozen=True)
class ClusterNode:
    """A Node of the input: its labels, the addresses ``nodes`` peers select, and the pod
    CIDRs it hands out (``spec.podCIDRs``)."""

    name: str
    labels: tuple[tuple[str, str], ...] = ()
    ips: tuple[IPAddress, ...] = ()
    source: Source | None = field(default=None, compare=False)
    pod_cidrs: tuple[IPNetwork, ...] = ()

    @property
    def label_map(self) -> dict[str, str]:
        return dict(self.labels)
