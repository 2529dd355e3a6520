"""What every rule family shares: the cluster, one engine, roles, options, and the answers
they all ask for (computed once per run)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np

from netfence.engine import (
    Engine,
    ExternalRange,
    Node,
    RuleRef,
    SideVerdict,
)
from netfence.engine.addresses import unaddressed
from netfence.engine.admission import Admission
from netfence.engine.classes import AddressTable
from netfence.engine.rows import joined
from netfence.engine.selection import by_namespace
from netfence.lint.addresses import is_public
from netfence.lint.dns_discovery import allowed_node_local_dns
from netfence.lint.intents import Intents, intents_of
from netfence.lint.options import LintOptions
from netfence.lint.port_keys import ClassPorts
from netfence.lint.positions import admitting_location, field_source
from netfence.lint.roles import role_of
from netfence.lint.setup import ASSUMED_DNS_NAME, engine_cidrs, make_engine
from netfence.lint.wording import Connections, policy_obj
from netfence.load import Document, Path
from netfence.model import (
    DIRECTIONS,
    Cluster,
    Direction,
    Endpoint,
    IPAddress,
    IPNetwork,
    NetworkPolicy,
    Peer,
)
from netfence.problems import Source


@dataclass
class LintContext:
    """One lint run's view of the input; rule families read it and ask its engine."""

    cluster: Cluster
    roles: Mapping[str, str]
    options: LintOptions
    documents: Mapping[Source, Document] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    _peer_positions: dict[tuple[str, Peer], np.ndarray] = field(default_factory=dict, repr=False)
    _what_if: dict[str, Engine] = field(default_factory=dict, repr=False)

    @cached_property
    def cidrs(self) -> tuple[IPNetwork, ...]:
        return engine_cidrs(self.cluster, self.options)

    @cached_property
    def engine(self) -> Engine:
        return make_engine(self.cluster, self.options, self.cidrs)

    @cached_property
    def admission(self) -> Admission:
        """The engine's NetworkPolicy rules as class tables (exact for plain NetworkPolicy
        inputs whose endpoints have IPs)."""
        return Admission(self.engine)

    def engine_with(self, policy: NetworkPolicy) -> Engine:
        """An engine for the input plus ``policy`` (a what-if), made once per policy."""
        if policy.id not in self._what_if:
            changed = replace(self.cluster, policies=(*self.cluster.policies, policy))
            self._what_if[policy.id] = make_engine(changed, self.options, self.cidrs)
        return self._what_if[policy.id]

    @cached_property
    def subjects(self) -> tuple[Endpoint, ...]:
        """Endpoints findings can be about: from the input, not on the host network."""
        return tuple(
            e for e in self.cluster.endpoints if e.name != ASSUMED_DNS_NAME and not e.host_network
        )

    @cached_property
    def subjects_in(self) -> dict[str, list[Endpoint]]:
        """The ``subjects`` of each namespace."""
        found: dict[str, list[Endpoint]] = {}
        for endpoint in self.subjects:
            found.setdefault(endpoint.namespace, []).append(endpoint)
        return found

    @cached_property
    def policies_in(self) -> dict[str, tuple[NetworkPolicy, ...]]:
        """The NetworkPolicies of each namespace, in input order."""
        return by_namespace(self.cluster.policies)

    @cached_property
    def subject_set(self) -> frozenset[Endpoint]:
        return frozenset(self.subjects)

    @cached_property
    def dns_servers(self) -> tuple[Endpoint, ...]:
        labels = set(self.options.dns_labels)
        return tuple(e for e in self.cluster.endpoints if labels <= set(e.labels))

    @cached_property
    def node_local_dns(self) -> tuple[IPAddress, ...]:
        """NodeLocal DNSCache addresses: given, else those the egress rules allow."""
        return self.options.dns_ips or allowed_node_local_dns(self.cluster)

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
    def selected_by(self) -> dict[tuple[str, Direction], np.ndarray]:
        """The positions (in ``cluster.endpoints``) of the endpoints each policy isolates, per
        direction (asked of the engine once)."""
        found: dict[tuple[str, Direction], list[int]] = {}
        for position, endpoint in enumerate(self.cluster.endpoints):
            for direction in DIRECTIONS:
                for policy in self.engine.selecting(endpoint, direction):
                    found.setdefault((policy.id, direction), []).append(position)
        return {key: np.array(value, dtype=np.int32) for key, value in found.items()}

    def selected_positions(self, policy: NetworkPolicy, direction: Direction) -> np.ndarray:
        return self.selected_by.get((policy.id, direction), np.zeros(0, dtype=np.int32))

    def selected(self, policy: NetworkPolicy, direction: Direction) -> tuple[Endpoint, ...]:
        endpoints = self.cluster.endpoints
        return tuple(endpoints[i] for i in self.selected_positions(policy, direction).tolist())

    def peer_positions(self, policy: NetworkPolicy, peer: Peer) -> np.ndarray:
        """The positions of the endpoints (assumed DNS included) a peer of ``policy`` matches,
        in input order (asked once per namespace and peer, of every endpoint at once)."""
        key = (policy.namespace, peer)
        if key not in self._peer_positions:
            if peer.ip_block is not None:
                inside = self.addresses.membership((peer.ip_block,))[:, 0]
                positions = np.flatnonzero(inside & (self.options.ipblock_pods == "match"))
            else:
                positions = np.flatnonzero(self.admission.selector_matches(policy, peer))
            self._peer_positions[key] = positions.astype(np.int32)  # thousands of them
        return self._peer_positions[key]

    def peer_endpoints(self, policy: NetworkPolicy, peer: Peer) -> list[Endpoint]:
        """The endpoints (assumed DNS included) a peer of ``policy`` matches."""
        endpoints = self.cluster.endpoints
        return [endpoints[i] for i in self.peer_positions(policy, peer).tolist()]

    @cached_property
    def addresses(self) -> AddressTable:
        """The endpoints' IPs, for the ipBlock peers' matches."""
        return AddressTable(self.cluster.endpoints)

    @cached_property
    def classes(self) -> np.ndarray:
        """The engine's class (``Engine.node_class``) of every endpoint, in input order."""
        return self.engine.node_classes()[: len(self.cluster.endpoints)]

    @cached_property
    def position(self) -> dict[str, int]:
        """Each endpoint's index in ``cluster.endpoints``, by id."""
        return {e.id: i for i, e in enumerate(self.cluster.endpoints)}

    @cached_property
    def class_members(self) -> dict[int, Endpoint]:
        """The first endpoint of each endpoint class (classes of externals left out)."""
        return self.class_isolation[0]

    @cached_property
    def classes_in(self) -> dict[str, list[int]]:
        """The endpoint classes (``class_members``) of each namespace."""
        found: dict[str, list[int]] = {}
        for number, member in self.class_members.items():
            found.setdefault(member.namespace, []).append(number)
        return found

    @cached_property
    def class_isolation(self) -> tuple[dict[int, Endpoint], dict[Direction, np.ndarray]]:
        """``class_isolation`` of the engine's endpoint classes."""
        return class_isolation(self.engine, self.classes)

    @cached_property
    def lint_classes(self) -> np.ndarray:
        """Per endpoint (input order): its class for intents, the engine's class refined by
        the rule tables' class, namespace, and whether it is a subject and a DNS server (so
        every policy selects and names whole classes)."""
        count = len(self.cluster.endpoints)
        names: dict[str, int] = {}
        namespace = [names.setdefault(e.namespace, len(names)) for e in self.cluster.endpoints]
        columns = (
            self.classes,
            self.admission.classes.class_of[:count],
            np.array(namespace, dtype=np.int64),
            self.subject_mask.astype(np.int64),
            self.dns_mask.astype(np.int64),
        )
        return joined(columns)

    @cached_property
    def intents(self) -> Intents:
        """The endpoint pairs a rule names by label at either end (see ``Intents``)."""
        return intents_of(self)

    @cached_property
    def intents_by_namespace(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Per namespace: which class pairs of ``intents`` (ascending) have their source in
        it, and which their destination."""
        intents = self.intents
        endpoints = self.cluster.endpoints
        names = sorted({e.namespace for e in endpoints})
        number = {name: i for i, name in enumerate(names)}
        firsts = intents.firsts.tolist()
        namespace_of = np.array([number[endpoints[i].namespace] for i in firsts], dtype=np.int64)

        def split(ends: np.ndarray) -> list[np.ndarray]:
            found = namespace_of[ends]
            order = np.argsort(found, kind="stable")
            bounds = np.searchsorted(found[order], np.arange(len(names) + 1))
            return [order[bounds[i] : bounds[i + 1]] for i in range(len(names))]

        leaving, entering = split(intents.source), split(intents.target)
        return {name: (leaving[i], entering[i]) for i, name in enumerate(names)}

    @cached_property
    def class_ports(self) -> ClassPorts:
        """The candidate ports of every pair of the engine's endpoint classes."""
        return ClassPorts(self.engine, self.class_members, len(self.class_isolation[1]["egress"]))

    @cached_property
    def subject_mask(self) -> np.ndarray:
        """Per endpoint (in input order): whether it is one of ``subjects``."""
        return np.array([e in self.subject_set for e in self.cluster.endpoints], dtype=bool)

    @cached_property
    def unaddressed_mask(self) -> np.ndarray:
        """Per endpoint (in input order): whether it has no IP (``addresses.unaddressed``)."""
        return np.array([unaddressed(e) for e in self.cluster.endpoints], dtype=bool)

    @cached_property
    def ip_counts(self) -> np.ndarray:
        """Per endpoint (in input order): how many IPs it has."""
        return np.array([len(e.ips) for e in self.cluster.endpoints], dtype=np.int64)

    @cached_property
    def dns_mask(self) -> np.ndarray:
        """Per endpoint (in input order): whether it is a DNS server."""
        servers = {e.id for e in self.dns_servers}
        return np.array([e.id in servers for e in self.cluster.endpoints], dtype=bool)

    @cached_property
    def named_ends(self) -> np.ndarray:
        """Per endpoint: whether it can be the named end of an intended pair (a subject or a
        DNS server)."""
        mask: np.ndarray = self.subject_mask | self.dns_mask
        return mask

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
        return field_source(self.documents, source, path)

    def rule_source(self, ref: RuleRef) -> Source | None:
        return ref.source or self.policies_by_id[ref.policy].source

    def blocker(self, side: SideVerdict) -> tuple[str, Source | None]:
        """The object to point at for a refused side, and where it is: the deciding tier
        policy, else the isolating NetworkPolicy (see ``blocking_policy``)."""
        if side.decided_by is not None:
            return side.decided_by.policy, side.decided_by.source
        policy = self.blocking_policy(side)
        return policy_obj(policy), policy.source

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
        return admitting_location(
            self.rule_source, engine or self.engine, direction, src, dst, connections
        )


def class_isolation(
    engine: Engine, classes: np.ndarray
) -> tuple[dict[int, Endpoint], dict[Direction, np.ndarray]]:
    """The first endpoint of each class (``classes``: every endpoint's) and, per direction,
    whether the class is isolated."""
    size = int(classes.max()) + 1 if len(classes) else 1
    members: dict[int, Endpoint] = {}
    for endpoint, number in zip(engine.endpoints, classes.tolist(), strict=True):
        members.setdefault(number, endpoint)
    before: dict[Direction, np.ndarray] = {}
    for direction in DIRECTIONS:
        found = np.zeros(size, dtype=bool)
        for number, member in members.items():
            found[number] = bool(engine.selecting(member, direction))
        before[direction] = found
    return members, before
