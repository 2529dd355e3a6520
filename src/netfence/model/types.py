"""Immutable typed objects for namespaces, endpoints, services and NetworkPolicies (the
whole ``Cluster`` is in ``model.cluster``)."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

from netfence.problems import Source

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Protocol = Literal["TCP", "UDP", "SCTP"]
Direction = Literal["ingress", "egress"]
DIRECTIONS: tuple[Direction, ...] = ("ingress", "egress")
Operator = Literal["In", "NotIn", "Exists", "DoesNotExist"]
PROTOCOLS: tuple[Protocol, ...] = ("TCP", "UDP", "SCTP")
# The cloud metadata service (AWS IMDS, GCP, Azure: IPv4; AWS Nitro: IPv6).
CLOUD_METADATA_IPS: tuple[IPAddress, ...] = (
    ipaddress.ip_address("169.254.169.254"),
    ipaddress.ip_address("fd00:ec2::254"),
)
WORKLOAD_KINDS = (
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "ReplicationController",
    "Job",
    "CronJob",
)

Labels = Mapping[str, str]


def freeze_labels(labels: Mapping[str, str | None] | None) -> tuple[tuple[str, str], ...]:
    """Labels as a sorted tuple, hashable and deterministic (a null value reads as "")."""
    return tuple(sorted((k, "" if v is None else v) for k, v in (labels or {}).items()))


@dataclass(frozen=True)
class Requirement:
    """One ``matchExpressions`` entry."""

    key: str
    operator: Operator
    values: frozenset[str] = frozenset()

    def matches(self, labels: Labels) -> bool:
        if self.operator == "In":
            return self.key in labels and labels[self.key] in self.values
        if self.operator == "NotIn":
            return self.key not in labels or labels[self.key] not in self.values
        if self.operator == "Exists":
            return self.key in labels
        return self.key not in labels


@dataclass(frozen=True)
class LabelSelector:
    """A label selector; the empty selector matches everything."""

    match_labels: tuple[tuple[str, str], ...] = ()
    match_expressions: tuple[Requirement, ...] = ()

    def matches(self, labels: Labels) -> bool:
        return all(labels.get(k) == v for k, v in self.match_labels) and all(
            r.matches(labels) for r in self.match_expressions
        )

    @property
    def is_empty(self) -> bool:
        return not self.match_labels and not self.match_expressions

    def __str__(self) -> str:
        parts = [f"{k}={v}" for k, v in self.match_labels]
        for r in self.match_expressions:
            if r.operator == "Exists":
                parts.append(r.key)
            elif r.operator == "DoesNotExist":
                parts.append(f"!{r.key}")
            else:
                op = "in" if r.operator == "In" else "notin"
                parts.append(f"{r.key} {op} ({','.join(sorted(r.values))})")
        return ",".join(parts) if parts else "{}"


@dataclass(frozen=True)
class IPBlock:
    """``ipBlock``: a CIDR minus its ``except`` CIDRs (networks are normalised)."""

    cidr: IPNetwork
    excepts: tuple[IPNetwork, ...] = ()
    cidr_text: str = ""

    def contains(self, ip: IPAddress) -> bool:
        if ip.version != self.cidr.version or ip not in self.cidr:
            return False
        return not any(ip in e for e in self.excepts)

    def __str__(self) -> str:
        text = self.cidr_text or str(self.cidr)
        if self.excepts:
            text += " except " + ",".join(str(e) for e in self.excepts)
        return text


@dataclass(frozen=True)
class Peer:
    """One entry of ``from``/``to``: selectors (AND-ed when both are set) or an ipBlock."""

    pod_selector: LabelSelector | None = None
    namespace_selector: LabelSelector | None = None
    ip_block: IPBlock | None = None


@dataclass(frozen=True)
class PolicyPort:
    """One entry of ``ports``: protocol plus a number, a name or nothing (all ports)."""

    protocol: Protocol = "TCP"
    port: int | str | None = None
    end_port: int | None = None

    def __str__(self) -> str:
        if self.port is None:
            return f"all/{self.protocol}"
        if self.end_port is not None:
            return f"{self.port}-{self.end_port}/{self.protocol}"
        return f"{self.port}/{self.protocol}"


@dataclass(frozen=True)
class Rule:
    """An ingress or egress rule. Empty ``peers`` = all peers; empty ``ports`` = all ports."""

    peers: tuple[Peer, ...] = ()
    ports: tuple[PolicyPort, ...] = ()
    source: Source | None = field(default=None, compare=False)


@dataclass(frozen=True)
class NetworkPolicy:
    """A NetworkPolicy with its effective policyTypes (defaulting already applied)."""

    namespace: str
    name: str
    pod_selector: LabelSelector
    policy_types: frozenset[Direction]
    ingress: tuple[Rule, ...] = ()
    egress: tuple[Rule, ...] = ()
    labels: tuple[tuple[str, str], ...] = ()
    annotations: tuple[tuple[str, str], ...] = ()
    source: Source | None = field(default=None, compare=False)

    @property
    def id(self) -> str:
        return f"{self.namespace}/{self.name}"

    def rules(self, direction: Direction) -> tuple[Rule, ...]:
        return self.ingress if direction == "ingress" else self.egress


@dataclass(frozen=True)
class Namespace:
    """A namespace; ``labels`` include ``kubernetes.io/metadata.name`` as Kubernetes sets it."""

    name: str
    labels: tuple[tuple[str, str], ...] = ()
    declared: bool = True
    source: Source | None = field(default=None, compare=False)

    @property
    def label_map(self) -> dict[str, str]:
        return dict(self.labels)


@dataclass(frozen=True)
class ContainerPort:
    """A port a pod serves."""

    port: int
    protocol: Protocol = "TCP"
    name: str | None = None


EndpointKind = Literal[
    "Pod",
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "ReplicationController",
    "Job",
    "CronJob",
]


@dataclass(frozen=True)
class Endpoint:
    """An in-cluster endpoint: a Pod, or a workload's pod template (one per workload)."""

    namespace: str
    name: str
    kind: EndpointKind = "Pod"
    labels: tuple[tuple[str, str], ...] = ()
    ips: tuple[IPAddress, ...] = ()
    ports: tuple[ContainerPort, ...] = ()
    host_network: bool = False
    source: Source | None = field(default=None, compare=False)
    service_account: str = "default"
    node_name: str = ""
    workload: str = field(default="", compare=False)
    """``Kind/name`` of the workload that owns a Pod (from its controller ownerReference),
    "" for a bare Pod; a workload template is its own workload."""
    placed_in: str = field(default="", compare=False)
    """An endpoint without IP placed in the pod CIDR (``engine.addresses``): the addresses
    its ``ips`` stand for (``10.244.0.0/16``); "" for an endpoint as the input gives it."""

    @cached_property
    def id(self) -> str:
        """``namespace/name`` (made once: asked for everywhere)."""
        return f"{self.namespace}/{self.name}"

    @property
    def workload_id(self) -> str:
        """``ns/Kind/name`` of the owning workload (a bare Pod: ``ns/Pod/name``)."""
        owner = self.workload or f"{self.kind}/{self.name}"
        return f"{self.namespace}/{owner}"

    @property
    def label_map(self) -> dict[str, str]:
        return dict(self.labels)

    def named_ports(self, name: str, protocol: Protocol) -> tuple[int, ...]:
        """Numbers of container ports called ``name`` with ``protocol``."""
        return tuple(p.port for p in self.ports if p.name == name and p.protocol == protocol)


@dataclass(frozen=True)
class ServicePort:
    """One port of a Service."""

    port: int
    target_port: int | str
    protocol: Protocol = "TCP"
    name: str | None = None


@dataclass(frozen=True)
class Service:
    """A Service: used for DNS names and target ports, never for policy decisions."""

    namespace: str
    name: str
    selector: tuple[tuple[str, str], ...] = ()
    ports: tuple[ServicePort, ...] = ()
    cluster_ips: tuple[IPAddress, ...] = ()
    source: Source | None = field(default=None, compare=False)
    labels: tuple[tuple[str, str], ...] = ()

    @property
    def id(self) -> str:
        return f"{self.namespace}/{self.name}"


@dataclass(frozen=True)
class UnevaluatedObject:
    """An object of a policy-like kind the engine does not evaluate (CiliumNetworkPolicy, ...)."""

    kind: str
    api_version: str
    namespace: str
    name: str
    source: Source | None = field(default=None, compare=False)

    @property
    def id(self) -> str:
        return f"{self.namespace}/{self.name}" if self.namespace else self.name

    @property
    def api_group(self) -> str:
        return self.api_version.rpartition("/")[0]


def group_by_kind(
    objects: Sequence[UnevaluatedObject],
) -> dict[str, tuple[UnevaluatedObject, ...]]:
    """Objects not evaluated, grouped by kind (sorted; objects in input order). A kind that is
    also evaluated or comes from several API groups is named with its group:
    ``NetworkPolicy (projectcalico.org)``."""
    groups: dict[str, set[str]] = {}
    for o in objects:
        groups.setdefault(o.kind, set()).add(o.api_group)

    def label(o: UnevaluatedObject) -> str:
        plain = o.kind != "NetworkPolicy" and len(groups[o.kind]) == 1
        return o.kind if plain else f"{o.kind} ({o.api_group})"

    labels = sorted({label(o) for o in objects})
    return {k: tuple(o for o in objects if label(o) == k) for k in labels}
