"""Whether a Calico policy applies to an endpoint and whether a rule matches a connection.

Definitions, from Calico's reference: a workload endpoint carries its pod's labels plus
``projectcalico.org/namespace``, ``projectcalico.org/orchestrator``,
``projectcalico.org/serviceaccount`` and its namespace's labels prefixed ``pcns.``; a
namespace selector sees the namespace's labels plus ``projectcalico.org/name``. A rule's
``selector`` matches endpoints in scope (the policy's namespace for a NetworkPolicy, every
namespace for a GlobalNetworkPolicy, the namespaces a ``namespaceSelector`` picks, only
non-namespaced resources under ``global()``) and the addresses of network sets in scope
whose labels match. ``notSelector`` negates the packet match. Host-networked pods are not
workload endpoints: no policy applies to them and only addresses (nets, network sets) match
them. Source ports are unknown (ephemeral): a rule with ``source.ports`` never matches and
``source.notPorts`` never excludes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from netfence.engine.external import ExternalRange
from netfence.engine.peers import Node
from netfence.model import Cluster, Direction, Endpoint, IPAddress, IPNetwork, Protocol
from netfence.model.calico import (
    NAME_LABEL,
    NAMESPACE_LABEL,
    NAMESPACE_PREFIX,
    ORCHESTRATOR_LABEL,
    SERVICE_ACCOUNT_LABEL,
    CalicoPolicy,
    CalicoPort,
    CalicoRule,
    EntityRule,
    NetworkSet,
)
from netfence.model.calico_selector import Expr

HOST_ENDPOINT_FLAGS = ("doNotTrack", "preDNAT")


def endpoint_labels(endpoint: Endpoint, namespace_labels: Mapping[str, str]) -> dict[str, str]:
    """The labels Calico's selectors see on a pod's workload endpoint."""
    labels = dict(endpoint.label_map)
    labels.update({f"{NAMESPACE_PREFIX}{k}": v for k, v in namespace_labels.items()})
    labels[f"{NAMESPACE_PREFIX}{NAME_LABEL}"] = endpoint.namespace
    labels[NAMESPACE_LABEL] = endpoint.namespace
    labels[ORCHESTRATOR_LABEL] = "k8s"
    labels[SERVICE_ACCOUNT_LABEL] = endpoint.service_account
    return labels


def namespace_view(name: str, labels: Mapping[str, str]) -> dict[str, str]:
    """A namespace's labels as a namespace selector sees them."""
    return {**labels, NAME_LABEL: name}


def node_ips(node: Node) -> tuple[IPAddress, ...]:
    if isinstance(node, ExternalRange):
        return () if node.domain else (node.representative,)
    return node.ips


def in_nets(node: Node, nets: Sequence[IPNetwork]) -> bool:
    return any(ip in net for ip in node_ips(node) for net in nets)


def is_workload(node: Node) -> bool:
    return isinstance(node, Endpoint) and not node.host_network


class CalicoMatcher:
    """Subjects and rule matches of Calico policies over one cluster's nodes."""

    def __init__(self, cluster: Cluster, namespace_labels: Callable[[str], Mapping[str, str]]):
        self.cluster = cluster
        self.sets = cluster.calico.network_sets
        self._namespace_labels = namespace_labels
        self._labels: dict[str, dict[str, str]] = {}

    def labels(self, endpoint: Endpoint) -> dict[str, str]:
        if endpoint.id not in self._labels:
            ns = self._namespace_labels(endpoint.namespace)
            self._labels[endpoint.id] = endpoint_labels(endpoint, ns)
        return self._labels[endpoint.id]

    def _namespace_matches(self, selector: Expr, namespace: str) -> bool:
        return selector.matches(namespace_view(namespace, self._namespace_labels(namespace)))

    def applies(self, policy: CalicoPolicy, node: Node, direction: Direction) -> bool:
        """Whether ``policy`` applies to ``node`` for ``direction`` (its types include it)."""
        if direction not in policy.types or not isinstance(node, Endpoint):
            return False
        if node.host_network or any(f in policy.host_only for f in HOST_ENDPOINT_FLAGS):
            return False
        if policy.namespace and node.namespace != policy.namespace:
            return False
        if policy.namespace_selector is not None and not self._namespace_matches(
            policy.namespace_selector, node.namespace
        ):
            return False
        accounts = policy.service_account_selector
        if accounts is not None and not accounts.matches({NAME_LABEL: node.service_account}):
            return False
        return policy.selector.matches(self.labels(node))

    def _endpoint_in_scope(self, policy: CalicoPolicy, entity: EntityRule, node: Node) -> bool:
        if not isinstance(node, Endpoint) or not is_workload(node):
            return False
        scope = entity.namespace_selector
        if scope is None:
            return not policy.namespace or node.namespace == policy.namespace
        if scope.uses_global():
            return False
        return self._namespace_matches(scope, node.namespace)

    def _sets_in_scope(self, policy: CalicoPolicy, entity: EntityRule) -> list[NetworkSet]:
        scope = entity.namespace_selector
        if scope is None:
            if policy.namespace:
                return [s for s in self.sets if s.namespace == policy.namespace]
            return list(self.sets)
        if scope.uses_global():
            return [s for s in self.sets if not s.namespace]
        return [s for s in self.sets if s.namespace and self._namespace_matches(scope, s.namespace)]

    def _identity(
        self, policy: CalicoPolicy, entity: EntityRule, selector: Expr | None, node: Node
    ) -> bool:
        """Whether ``node`` is an in-scope endpoint (or lies in an in-scope network set)
        matching ``selector`` (None: any) and the service-account match."""
        accounts = bool(entity.service_account_names) or entity.service_account_selector
        if self._endpoint_in_scope(policy, entity, node):
            assert isinstance(node, Endpoint)
            if (selector is None or selector.matches(self.labels(node))) and (
                self._accounts_match(entity, node)
            ):
                return True
        if accounts:
            return False
        for network_set in self._sets_in_scope(policy, entity):
            labels = network_set.label_map
            if network_set.namespace:
                labels[NAMESPACE_LABEL] = network_set.namespace
            if (selector is None or selector.matches(labels, not network_set.namespace)) and (
                in_nets(node, network_set.nets)
            ):
                return True
        return False

    @staticmethod
    def _accounts_match(entity: EntityRule, endpoint: Endpoint) -> bool:
        names = entity.service_account_names
        if names and endpoint.service_account not in names:
            return False
        selector = entity.service_account_selector
        return selector is None or selector.matches({NAME_LABEL: endpoint.service_account})

    def entity_matches(
        self,
        policy: CalicoPolicy,
        entity: EntityRule,
        node: Node,
        port: int | None,
        protocol: Protocol,
    ) -> bool:
        """``port`` is the destination port for a destination entity, None for a source."""
        if entity.services:
            return False
        if entity.nets and not in_nets(node, entity.nets):
            return False
        if entity.not_nets and in_nets(node, entity.not_nets):
            return False
        if entity.selects_identity and not self._identity(policy, entity, entity.selector, node):
            return False
        if entity.not_selector is not None and self._identity(
            policy, entity, entity.not_selector, node
        ):
            return False
        if port is None:
            return not entity.ports
        if entity.ports and not any(_port_in(p, port, protocol, node) for p in entity.ports):
            return False
        return not any(_port_in(p, port, protocol, node) for p in entity.not_ports)

    def rule_matches(
        self,
        policy: CalicoPolicy,
        rule: CalicoRule,
        src: Node,
        dst: Node,
        port: int,
        protocol: Protocol,
    ) -> bool:
        """Whether ``rule`` matches a connection from ``src`` to ``dst`` on ``port``."""
        if rule.protocol is not None and rule.protocol != protocol:
            return False
        if rule.not_protocol == protocol:
            return False
        if rule.ip_version is not None and not _version_fits(rule.ip_version, src, dst):
            return False
        if not self.entity_matches(policy, rule.source, src, None, protocol):
            return False
        return self.entity_matches(policy, rule.destination, dst, port, protocol)


def _port_in(entry: CalicoPort, port: int, protocol: Protocol, dst: Node) -> bool:
    if entry.name is not None:
        return isinstance(dst, Endpoint) and port in dst.named_ports(entry.name, protocol)
    return entry.low <= port <= entry.high


def _version_fits(version: int, *nodes: Node) -> bool:
    """Nodes whose addresses are unknown fit either IP version."""
    for node in nodes:
        ips = node_ips(node)
        if ips and not any(ip.version == version for ip in ips):
            return False
    return True


def rule_port_spans(rule: CalicoRule, protocol: Protocol, dst: Node) -> list[tuple[int, int]]:
    """Port ranges of ``protocol`` where the rule's destination ports start or stop."""
    spans: list[tuple[int, int]] = []
    for entry in (*rule.destination.ports, *rule.destination.not_ports):
        if entry.name is not None:
            if isinstance(dst, Endpoint):
                spans += [(n, n) for n in dst.named_ports(entry.name, protocol)]
        else:
            spans.append((entry.low, entry.high))
    return spans


def calico_cidrs(cluster: Cluster) -> set[IPNetwork]:
    """Every CIDR of Calico rules and network sets: where external ranges must split."""
    found: set[IPNetwork] = {n for s in cluster.calico.network_sets for n in s.nets}
    for policy in cluster.calico.policies:
        for rule in (*policy.ingress, *policy.egress):
            for entity in (rule.source, rule.destination):
                found |= set(entity.nets) | set(entity.not_nets)
    return found
