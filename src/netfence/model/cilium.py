"""Cilium policies as members of the NetworkPolicy tier: Allow and Deny rules over identities.

CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy (cilium.io/v2) translate into
``CiliumPolicy``: a subject selector, rules of actions Allow (``ingress``/``egress``) and
Deny (``ingressDeny``/``egressDeny``), and the directions the policy puts into default deny.
The engine joins them with the Kubernetes NetworkPolicies of the same endpoint: isolation
by any of them, the union of every allow, and any matching Deny winning over every allow.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from netfence.model.tiers import Action
from netfence.model.types import Direction, IPBlock, LabelSelector, Protocol
from netfence.problems import Source

CiliumPeerKind = Literal["endpoints", "entities", "cidrs", "fqdns"]
L7Kind = Literal["", "http", "kafka", "dns", "l7proto"]
SHORT_KIND = {"CiliumNetworkPolicy": "CNP", "CiliumClusterwideNetworkPolicy": "CCNP"}
# Identity labels Cilium derives from Kubernetes objects (the engine computes them).
NAMESPACE_KEY = "io.kubernetes.pod.namespace"
NAMESPACE_LABELS_PREFIX = "io.cilium.k8s.namespace.labels."
SERVICE_ACCOUNT_KEY = "io.cilium.k8s.policy.serviceaccount"
CLUSTER_KEY = "io.cilium.k8s.policy.cluster"
DEFAULT_CLUSTER_NAME = "default"


@dataclass(frozen=True)
class CiliumSelector:
    """Cilium-managed pods whose namespace matches ``namespaces`` and whose pod labels (with
    the service-account identity label) match ``pods``; ``never`` selects nothing (a
    requirement no pod identity can meet, such as another cluster's name)."""

    namespaces: LabelSelector = field(default_factory=LabelSelector)
    pods: LabelSelector = field(default_factory=LabelSelector)
    never: bool = False
    text: str = ""

    def __str__(self) -> str:
        return self.text or f"pods {self.pods} in namespaces {self.namespaces}"


@dataclass(frozen=True)
class CiliumPeer:
    """One L3 peer: endpoints, entities, CIDRs (only outside the cluster) or DNS names."""

    kind: CiliumPeerKind
    selector: CiliumSelector | None = None
    entities: tuple[str, ...] = ()
    cidrs: tuple[IPBlock, ...] = ()
    fqdns: tuple[str, ...] = ()
    text: str = ""

    def __str__(self) -> str:
        if self.text:
            return self.text
        if self.selector is not None:
            return f"endpoints {self.selector}"
        if self.entities:
            return "entities " + ",".join(self.entities)
        if self.fqdns:
            return "FQDNs " + ",".join(self.fqdns)
        return "CIDRs " + ",".join(str(c) for c in self.cidrs)


@dataclass(frozen=True)
class CiliumPort:
    """A port number or range of one protocol, or a named destination port."""

    protocol: Protocol
    low: int = 1
    high: int = 65535
    name: str | None = None

    def __str__(self) -> str:
        if self.name is not None:
            return f"{self.name}/{self.protocol}"
        if (self.low, self.high) == (1, 65535):
            return f"any/{self.protocol}"
        if self.low == self.high:
            return f"{self.low}/{self.protocol}"
        return f"{self.low}-{self.high}/{self.protocol}"


@dataclass(frozen=True)
class CiliumRule:
    """One rule. ``peers`` empty: every peer when ``ports`` are given (an L4-only rule),
    none otherwise; ``ports`` None: every port of every protocol. ``l7`` names the L7
    rules the port rules carry (read as an L4 allow); ``dns`` the DNS lookups a ``rules.dns``
    section lets Cilium's proxy see."""

    index: int
    action: Action
    peers: tuple[CiliumPeer, ...] = ()
    ports: tuple[CiliumPort, ...] | None = None
    l7: tuple[L7Kind, ...] = ()
    dns: tuple[str, ...] = ()
    wildcard: bool = False
    path: str = ""
    source: Source | None = field(default=None, compare=False)

    @property
    def label(self) -> str:
        return self.path or f"#{self.index}"


@dataclass(frozen=True)
class CiliumPolicy:
    """A CiliumNetworkPolicy (one ``spec``/``specs`` entry) or a clusterwide one."""

    kind: str
    name: str
    namespace: str
    subject: CiliumSelector
    ingress: tuple[CiliumRule, ...] = ()
    egress: tuple[CiliumRule, ...] = ()
    default_deny: frozenset[Direction] = frozenset()
    part: int | None = None
    source: Source | None = field(default=None, compare=False)

    @property
    def id(self) -> str:
        base = (
            f"{self.kind}/{self.namespace}/{self.name}"
            if self.namespace
            else (f"{self.kind}/{self.name}")
        )
        return base if self.part is None else f"{base}#specs[{self.part}]"

    @property
    def short(self) -> str:
        where = f"{self.namespace}/{self.name}" if self.namespace else self.name
        return f"{SHORT_KIND.get(self.kind, self.kind)} {where}"

    def rules(self, direction: str) -> tuple[CiliumRule, ...]:
        return self.ingress if direction == "ingress" else self.egress
