"""What every rule family shares: the cluster, one engine, roles, options and positions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property

from netfence.engine import (
    Engine,
    ExternalRange,
    Node,
    PortSet,
    RuleRef,
    SideVerdict,
)
from netfence.engine.peers import peer_matches
from netfence.lint.addresses import NON_PUBLIC, host_network, is_public
from netfence.lint.options import LintOptions
from netfence.lint.roles import role_of
from netfence.load import Document, Path
from netfence.model import (
    CLOUD_METADATA_IPS,
    DIRECTIONS,
    NAMESPACE_NAME_LABEL,
    PROTOCOLS,
    Cluster,
    ContainerPort,
    Direction,
    Endpoint,
    IPAddress,
    IPNetwork,
    Namespace,
    NetworkPolicy,
    Peer,
    Protocol,
)
from netfence.model.types import freeze_labels
from netfence.problems import Source
from netfence.vocabulary import DNS_PORT

SYSTEM_NAMESPACE_PREFIX = "kube-"
DNS_NAMESPACE = "kube-system"
ASSUMED_DNS_NAME = "kube-dns-assumed"
Connections = dict[Protocol, PortSet]


PEERS_KEY: dict[Direction, str] = {"ingress": "from", "egress": "to"}


def is_system_namespace(name: str) -> bool:
    """kube-system, kube-public, kube-node-lease: not the user's to default-deny."""
    return name.startswith(SYSTEM_NAMESPACE_PREFIX)


def with_assumed_dns(cluster: Cluster, dns_labels: tuple[tuple[str, str], ...]) -> Cluster:
    """The cluster plus a standard kube-dns pod in kube-system when the input has none."""
    if any(set(dns_labels) <= set(e.labels) for e in cluster.endpoints):
        return cluster
    dns = Endpoint(
        namespace=DNS_NAMESPACE,
        name=ASSUMED_DNS_NAME,
        labels=freeze_labels(dict(dns_labels)),
        ports=(ContainerPort(53, "UDP", "dns"), ContainerPort(53, "TCP", "dns-tcp")),
    )
    namespaces = cluster.namespaces
    if cluster.namespace(DNS_NAMESPACE) is None:
        system = Namespace(
            DNS_NAMESPACE, freeze_labels({NAMESPACE_NAME_LABEL: DNS_NAMESPACE}), declared=False
        )
        namespaces = tuple(sorted((*namespaces, system), key=lambda n: n.name))
    return Cluster(namespaces, (*cluster.endpoints, dns), cluster.policies, cluster.services)


def engine_cidrs(cluster: Cluster, options: LintOptions) -> tuple[IPNetwork, ...]:
    """Boundaries the external partition must respect so exposure rules can read it."""
    return (
        *NON_PUBLIC,
        *options.effective_pod_cidrs,
        *options.effective_service_cidrs,
        *(host_network(ip) for ip in (*CLOUD_METADATA_IPS, *options.dns_ips)),
        *cluster.ipblock_cidrs(),
    )


def make_engine(cluster: Cluster, options: LintOptions, cidrs: tuple[IPNetwork, ...]) -> Engine:
    """An engine with the lint's ipBlock reading and external boundaries."""
    extra = (*options.engine.extra_cidrs, *cidrs)
    return Engine(cluster, replace(options.engine, extra_cidrs=extra))


@dataclass
class LintContext:
    """One lint run's view of the input; rule families read it and ask its engine."""

    cluster: Cluster
    roles: Mapping[str, str]
    options: LintOptions
    documents: Mapping[Source, Document] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @cached_property
    def cidrs(self) -> tuple[IPNetwork, ...]:
        return engine_cidrs(self.cluster, self.options)

    @cached_property
    def engine(self) -> Engine:
        return make_engine(self.cluster, self.options, self.cidrs)

    @cached_property
    def subjects(self) -> tuple[Endpoint, ...]:
        """Endpoints findings can be about: from the input, not on the host network."""
        return tuple(
            e for e in self.cluster.endpoints if e.name != ASSUMED_DNS_NAME and not e.host_network
        )

    @cached_property
    def subject_set(self) -> frozenset[Endpoint]:
        return frozenset(self.subjects)

    @cached_property
    def dns_servers(self) -> tuple[Endpoint, ...]:
        labels = set(self.options.dns_labels)
        return tuple(e for e in self.cluster.endpoints if labels <= set(e.labels))

    @cached_property
    def node_local_dns(self) -> tuple[IPAddress, ...]:
        """NodeLocal DNSCache addresses: given, else single link-local hosts that egress rules
        allow on port 53 (a podSelector cannot match a host-network cache)."""
        if self.options.dns_ips:
            return self.options.dns_ips
        found = {
            peer.ip_block.cidr.network_address
            for policy in self.cluster.policies
            for rule in policy.egress
            if not rule.ports or any(p.port == DNS_PORT for p in rule.ports)
            for peer in rule.peers
            if peer.ip_block is not None
            and peer.ip_block.cidr.num_addresses == 1
            and peer.ip_block.cidr.network_address.is_link_local
        }
        return tuple(sorted(found, key=str))

    @cached_property
    def dns_targets(self) -> tuple[Node, ...]:
        """Where pods may send DNS queries: the NodeLocal DNSCache addresses when given;
        otherwise the kube-dns pods and any NodeLocal address the policies allow."""
        found = (self.engine.find(str(ip)) for ip in self.node_local_dns)
        addresses = tuple(node for node in found if node is not None)
        return addresses if self.options.dns_ips else (*self.dns_servers, *addresses)

    @cached_property
    def public_externals(self) -> tuple[ExternalRange, ...]:
        return tuple(e for e in self.engine.externals if is_public(e))

    @cached_property
    def policies_by_id(self) -> dict[str, NetworkPolicy]:
        return {p.id: p for p in self.cluster.policies}

    @cached_property
    def namespace_labels(self) -> dict[str, dict[str, str]]:
        return {ns.name: ns.label_map for ns in self.cluster.namespaces}

    @cached_property
    def selected_by(self) -> dict[tuple[str, Direction], tuple[Endpoint, ...]]:
        """The endpoints each policy isolates, per direction (asked of the engine once)."""
        found: dict[tuple[str, Direction], list[Endpoint]] = {}
        for endpoint in self.cluster.endpoints:
            for direction in DIRECTIONS:
                for policy in self.engine.selecting(endpoint, direction):
                    found.setdefault((policy.id, direction), []).append(endpoint)
        return {key: tuple(value) for key, value in found.items()}

    def selected(self, policy: NetworkPolicy, direction: Direction) -> tuple[Endpoint, ...]:
        return self.selected_by.get((policy.id, direction), ())

    def peer_endpoints(self, policy: NetworkPolicy, peer: Peer) -> list[Endpoint]:
        """The endpoints (assumed DNS included) a peer of ``policy`` matches."""
        reading = self.options.ipblock_pods
        return [
            e
            for e in self.cluster.endpoints
            if peer_matches(peer, policy.namespace, e, self.namespace_labels[e.namespace], reading)
        ]

    @cached_property
    def intended_pairs(self) -> tuple[tuple[Endpoint, Endpoint], ...]:
        """(source, destination) pairs that a rule names by label at either end."""
        pairs: dict[tuple[Endpoint, Endpoint], None] = {}
        for policy in self.cluster.policies:
            for direction in DIRECTIONS:
                own = [e for e in self.selected(policy, direction) if e in self.subject_set]
                named = [
                    e
                    for rule in policy.rules(direction)
                    for peer in rule.peers
                    if is_intent(peer)
                    for e in self.peer_endpoints(policy, peer)
                ]
                for a in own:
                    for b in (e for e in named if e in self.subject_set or self.is_dns(e)):
                        pairs[(a, b) if direction == "egress" else (b, a)] = None
        return tuple(pair for pair in pairs if pair[0] != pair[1])

    def is_dns(self, endpoint: Endpoint) -> bool:
        return endpoint in self.dns_servers

    def role(self, endpoint: Endpoint) -> str | None:
        return role_of(endpoint, self.roles)

    def isolated(self, endpoint: Endpoint, direction: Direction) -> bool:
        return bool(self.engine.selecting(endpoint, direction))

    def reach(self, src: Node, dst: Node) -> Connections:
        """Allowed ports per protocol from ``src`` to ``dst`` (protocols with none left out)."""
        return {
            proto: ports
            for proto, ports in self.engine.connections(src, dst).items()
            if not ports.is_empty
        }

    def field_source(self, source: Source | None, path: Path) -> Source | None:
        """The position of a field inside the document at ``source`` (or ``source`` itself)."""
        doc = self.documents.get(source) if source is not None else None
        return doc.source_of(path) if doc is not None else source

    def rule_source(self, ref: RuleRef) -> Source | None:
        return ref.source or self.policies_by_id[ref.policy].source

    def blocking_policy(self, side: SideVerdict) -> NetworkPolicy:
        """The isolating policy to point at for a refused side: a baseline if there is one."""
        policies = [self.policies_by_id[p] for p in side.policies]
        baseline = [p for p in policies if p.pod_selector.is_empty]
        return (baseline or policies)[0]

    def location(
        self,
        direction: Direction,
        src: Node,
        dst: Node,
        connections: Connections,
        engine: Engine | None = None,
    ) -> Source | None:
        """The rule at ``direction``'s end that admits ``src -> dst``; the endpoint itself
        when that end is not isolated."""
        engine = engine or self.engine
        subject = src if direction == "egress" else dst
        if isinstance(subject, ExternalRange):
            return None
        if not engine.selecting(subject, direction):
            return subject.source
        protocol, ports = next(iter(sorted(connections.items())))
        verdict = engine.verdict(src, dst, ports.ranges[0][0], protocol)
        side = verdict.egress if direction == "egress" else verdict.ingress
        return self.rule_source(side.admitted_by[0]) if side.admitted_by else subject.source


def is_intent(peer: Peer) -> bool:
    """Whether a peer names pods or namespaces by label (unlike an ipBlock or ``{}``)."""
    selectors = [s for s in (peer.pod_selector, peer.namespace_selector) if s is not None]
    return peer.ip_block is None and any(not s.is_empty for s in selectors)


def endpoint_obj(endpoint: Endpoint) -> str:
    return f"{endpoint.kind}/{endpoint.namespace}/{endpoint.name}"


def policy_obj(policy: NetworkPolicy) -> str:
    return f"NetworkPolicy/{policy.namespace}/{policy.name}"


def describe_connections(connections: Connections) -> str:
    """``443/TCP``, ``all ports/TCP, 53/UDP`` or ``all ports and protocols``."""
    if len(connections) == len(PROTOCOLS) and all(p.is_all for p in connections.values()):
        return "all ports and protocols"
    parts = []
    for proto, ports in sorted(connections.items()):
        parts.append(f"all ports/{proto}" if ports.is_all else f"{ports}/{proto}")
    return ", ".join(parts)
