"""Calico's policy kinds (projectcalico.org/v3) translated into one ordered model.

Tiers run by ``order`` (nil last, then by name); inside a tier, policies by ``order`` (nil
last) then name; rules in order; the first matching rule's action decides (``Log``
continues). Kubernetes NetworkPolicies sit in the ``default`` tier at order 1000: the
engine places them there without copying them (see ``engine/calico``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from netfence.model.calico_selector import Expr
from netfence.model.types import Direction, IPNetwork
from netfence.problems import Source

CalicoAction = Literal["Allow", "Deny", "Pass", "Log"]
DefaultAction = Literal["Deny", "Pass"]
DEFAULT_TIER = "default"
DEFAULT_TIER_ORDER = 1_000_000.0
KUBERNETES_POLICY_ORDER = 1000.0
# Labels Calico adds to every workload endpoint, and prefixes of the copied namespace and
# service-account labels.
NAMESPACE_LABEL = "projectcalico.org/namespace"
NAME_LABEL = "projectcalico.org/name"
ORCHESTRATOR_LABEL = "projectcalico.org/orchestrator"
SERVICE_ACCOUNT_LABEL = "projectcalico.org/serviceaccount"
NAMESPACE_PREFIX = "pcns."
# Where Calico places the SIG Network tier kinds (tiers created at install, orders fixed):
# AdminNetworkPolicy in tier adminnetworkpolicy (order 1000, defaultAction Pass) at its
# priority; the BaselineAdminNetworkPolicy in tier baselineadminnetworkpolicy (order
# 10,000,000, Pass) as if at order 1000; ClusterNetworkPolicy in kube-admin (1000) or
# kube-baseline (10,000,000) by its tier, at its priority. Names as Calico derives them.
ADMIN_TIER_ORDER = 1000.0
BASELINE_TIER_ORDER = 10_000_000.0
BASELINE_ADMIN_POLICY_ORDER = 1000.0


@dataclass(frozen=True)
class KubeTierPlace:
    """The Calico tier (name, order) and the policy-name prefix of one SIG Network kind."""

    tier: str
    tier_order: float
    prefix: str


KUBE_TIER_PLACES: dict[tuple[str, str], KubeTierPlace] = {
    ("AdminNetworkPolicy", "Admin"): KubeTierPlace(
        "adminnetworkpolicy", ADMIN_TIER_ORDER, "kanp.adminnetworkpolicy."
    ),
    ("BaselineAdminNetworkPolicy", "Baseline"): KubeTierPlace(
        "baselineadminnetworkpolicy", BASELINE_TIER_ORDER, "kbanp.baselineadminnetworkpolicy."
    ),
    ("ClusterNetworkPolicy", "Admin"): KubeTierPlace(
        "kube-admin", ADMIN_TIER_ORDER, "kcnp.kube-admin."
    ),
    ("ClusterNetworkPolicy", "Baseline"): KubeTierPlace(
        "kube-baseline", BASELINE_TIER_ORDER, "kcnp.kube-baseline."
    ),
}


def order_key(order: float | None, name: str) -> tuple[bool, float, str]:
    """Lowest order first, nil order last, then by name."""
    return (order is None, 0.0 if order is None else order, name)


def format_order(order: float | None) -> str:
    if order is None:
        return "nil"
    return str(int(order)) if order == int(order) else str(order)


@dataclass(frozen=True)
class CalicoPort:
    """A port number, a range ``low:high``, or a named port (``name``)."""

    low: int = 0
    high: int = 0
    name: str | None = None

    def __str__(self) -> str:
        if self.name is not None:
            return self.name
        return str(self.low) if self.low == self.high else f"{self.low}:{self.high}"


@dataclass(frozen=True)
class EntityRule:
    """``source`` or ``destination`` of a rule; unset parts match everything."""

    selector: Expr | None = None
    not_selector: Expr | None = None
    namespace_selector: Expr | None = None
    nets: tuple[IPNetwork, ...] = ()
    not_nets: tuple[IPNetwork, ...] = ()
    ports: tuple[CalicoPort, ...] = ()
    not_ports: tuple[CalicoPort, ...] = ()
    service_account_names: tuple[str, ...] = ()
    service_account_selector: Expr | None = None
    services: bool = False

    @property
    def selects_identity(self) -> bool:
        """Whether it names endpoints (selectors or service accounts), not only addresses."""
        return (
            self.selector is not None
            or self.namespace_selector is not None
            or bool(self.service_account_names)
            or self.service_account_selector is not None
        )


@dataclass(frozen=True)
class CalicoRule:
    """One ingress or egress rule; ``protocol`` is upper case or a number as text."""

    index: int
    action: CalicoAction
    protocol: str | None = None
    not_protocol: str | None = None
    ip_version: int | None = None
    source: EntityRule = EntityRule()
    destination: EntityRule = EntityRule()
    has_icmp: bool = False
    has_http: bool = False
    origin: Source | None = field(default=None, compare=False)


@dataclass(frozen=True)
class CalicoPolicy:
    """A (Global)NetworkPolicy. ``namespace`` is empty for a GlobalNetworkPolicy."""

    kind: str
    name: str
    namespace: str
    tier: str
    order: float | None
    selector: Expr
    types: frozenset[Direction]
    ingress: tuple[CalicoRule, ...] = ()
    egress: tuple[CalicoRule, ...] = ()
    namespace_selector: Expr | None = None
    service_account_selector: Expr | None = None
    host_only: tuple[str, ...] = ()
    api_version: str = ""
    source: Source | None = field(default=None, compare=False)

    @property
    def id(self) -> str:
        where = f"{self.namespace}/" if self.namespace else ""
        return f"{self.kind}/{where}{self.name}"

    @property
    def label(self) -> str:
        """``GlobalNetworkPolicy platform.deny-egress (tier platform, order 100)``."""
        where = f"{self.namespace}/" if self.namespace else ""
        return (
            f"{self.kind} {where}{self.name} (tier {self.tier}, order {format_order(self.order)})"
        )

    @property
    def sort_key(self) -> tuple[bool, float, str]:
        """Order inside the tier: order (nil last), then name (namespaced: ``ns/name``)."""
        name = f"{self.namespace}/{self.name}" if self.namespace else self.name
        return order_key(self.order, name)

    def rules(self, direction: Direction) -> tuple[CalicoRule, ...]:
        return self.ingress if direction == "ingress" else self.egress


@dataclass(frozen=True)
class CalicoTier:
    """A Tier; ``declared`` is False for tiers policies name but the input does not hold."""

    name: str
    order: float | None
    default_action: DefaultAction = "Deny"
    declared: bool = True
    source: Source | None = field(default=None, compare=False)

    @property
    def sort_key(self) -> tuple[bool, float, str]:
        return order_key(self.order, self.name)


@dataclass(frozen=True)
class NetworkSet:
    """A NetworkSet (``namespace`` set) or GlobalNetworkSet: labelled CIDRs."""

    name: str
    namespace: str
    labels: tuple[tuple[str, str], ...]
    nets: tuple[IPNetwork, ...]
    source: Source | None = field(default=None, compare=False)

    @property
    def label_map(self) -> dict[str, str]:
        return dict(self.labels)


@dataclass(frozen=True)
class CalicoPolicies:
    """Everything Calico in the input: tiers (default included), policies, network sets."""

    tiers: tuple[CalicoTier, ...] = ()
    policies: tuple[CalicoPolicy, ...] = ()
    network_sets: tuple[NetworkSet, ...] = ()

    @property
    def active(self) -> bool:
        return bool(self.policies)

    def tier(self, name: str) -> CalicoTier:
        return next(t for t in self.tiers if t.name == name)

    def overlaid(self, newer: CalicoPolicies) -> CalicoPolicies:
        """These objects with ``newer``'s applied over them: same-named objects replaced
        (an undeclared tier by nothing but a declared one)."""
        tiers = {t.name: t for t in self.tiers}
        tiers.update({t.name: t for t in newer.tiers if t.declared or t.name not in tiers})
        policies = {p.id: p for p in self.policies}
        policies.update({p.id: p for p in newer.policies})
        sets = {(s.namespace, s.name): s for s in self.network_sets}
        sets.update({(s.namespace, s.name): s for s in newer.network_sets})
        return CalicoPolicies(tuple(tiers.values()), tuple(policies.values()), tuple(sets.values()))

    def ordered_tiers(self) -> tuple[CalicoTier, ...]:
        return tuple(sorted(self.tiers, key=lambda t: t.sort_key))

    def in_tier(self, name: str) -> tuple[CalicoPolicy, ...]:
        return tuple(sorted((p for p in self.policies if p.tier == name), key=lambda p: p.sort_key))
