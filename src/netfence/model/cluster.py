"""The whole input as the engine sees it: namespaces, endpoints, every policy layer, and the
objects of kinds that are not evaluated."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from netfence.model.calico import CalicoPolicies
from netfence.model.cilium import CiliumPolicy
from netfence.model.tiers import ClusterNode, TierPolicy
from netfence.model.types import (
    DIRECTIONS,
    Direction,
    Endpoint,
    IPBlock,
    IPNetwork,
    Namespace,
    NetworkPolicy,
    Rule,
    Service,
    UnevaluatedObject,
    group_by_kind,
)
from netfence.vocabulary import NAMESPACE_NAME_LABEL


@dataclass(frozen=True)
class Cluster:
    """Everything the engine needs: namespaces, endpoints, policies (and services), plus the
    objects of policy-like kinds it does not evaluate (so that every output can say so)."""

    namespaces: tuple[Namespace, ...] = ()
    endpoints: tuple[Endpoint, ...] = ()
    policies: tuple[NetworkPolicy, ...] = ()
    services: tuple[Service, ...] = ()
    tier_policies: tuple[TierPolicy, ...] = ()
    nodes: tuple[ClusterNode, ...] = ()
    not_evaluated: tuple[UnevaluatedObject, ...] = ()
    cilium_policies: tuple[CiliumPolicy, ...] = ()
    notes: tuple[str, ...] = ()
    """What the translation of a dialect could not evaluate, said by every analysis."""
    calico: CalicoPolicies = field(default_factory=CalicoPolicies)
    witnesses: tuple[tuple[str, str], ...] = ()
    """Ids of the endpoints that are possible witnesses (``engine.possible``), not observed
    workloads, each with its description."""

    def witness(self, ident: str) -> str | None:
        """The description of witness ``ident`` (None for an observed endpoint)."""
        return dict(self.witnesses).get(ident)

    def not_evaluated_by_kind(self) -> dict[str, tuple[UnevaluatedObject, ...]]:
        return group_by_kind(self.not_evaluated)

    def namespace(self, name: str) -> Namespace | None:
        for namespace in self.namespaces:
            if namespace.name == name:
                return namespace
        return None

    def namespace_labels(self, name: str) -> dict[str, str]:
        """Labels of a namespace (only the name label when it was never declared)."""
        namespace = self.namespace(name)
        if namespace is None:
            return {NAMESPACE_NAME_LABEL: name}
        return namespace.label_map

    def rules(self) -> Iterator[tuple[NetworkPolicy, Direction, int, Rule]]:
        """Every rule of every policy, with its direction and index."""
        for policy in self.policies:
            for direction in DIRECTIONS:
                for index, rule in enumerate(policy.rules(direction)):
                    yield policy, direction, index, rule

    def ip_blocks(self) -> tuple[IPBlock, ...]:
        """Every distinct ipBlock of every rule, in a stable order."""
        return tuple(
            sorted(
                {p.ip_block for _, _, _, r in self.rules() for p in r.peers if p.ip_block}, key=str
            )
        )

    def ipblock_cidrs(self) -> tuple[IPNetwork, ...]:
        """Every CIDR an ipBlock names, excepts included, by family and address."""
        found = {net for block in self.ip_blocks() for net in (block.cidr, *block.excepts)}
        return tuple(sorted(found, key=lambda n: (n.version, n.network_address, n.prefixlen)))

    def endpoint(self, ident: str) -> Endpoint | None:
        for endpoint in self.endpoints:
            if endpoint.id == ident:
                return endpoint
        return None
