"""Hypothesis strategies: small random clusters and policies using every selector, port and
ipBlock form."""

from __future__ import annotations

import ipaddress
from dataclasses import replace

from hypothesis import strategies as st

from netfence.model import (
    NAMESPACE_NAME_LABEL,
    Cluster,
    ContainerPort,
    Direction,
    Endpoint,
    IPBlock,
    LabelSelector,
    Namespace,
    NetworkPolicy,
    Peer,
    PolicyPort,
    Requirement,
    Rule,
)
from netfence.model.tiers import ClusterNode, TierPeer, TierPolicy, TierPort, TierRule, TierSelector

NAMESPACES = ("x", "y", "z")
LABEL_KEYS = ("app", "tier")
LABEL_VALUES = ("a", "b", "c")
CONTAINER_PORTS = (
    ContainerPort(80, "TCP", "http"),
    ContainerPort(81, "TCP", "web"),
    ContainerPort(81, "UDP", "web"),
    ContainerPort(53, "UDP", "dns"),
    ContainerPort(8080, "TCP", "web"),
    ContainerPort(9000, "SCTP", "sctp"),
)
POD_IPS = tuple(
    ipaddress.ip_address(text)
    for text in (
        *(f"10.0.{i // 4}.{i % 4 * 64 + 1}" for i in range(16)),
        "fd00::1",
        "fd00::8001",
    )
)
CIDRS = ("10.0.0.0/16", "10.0.0.0/24", "10.0.1.0/25", "0.0.0.0/0", "192.0.2.0/24", "fd00::/16")
EXCEPTS = {
    "10.0.0.0/16": ("10.0.0.0/24", "10.0.2.0/23"),
    "10.0.0.0/24": ("10.0.0.0/26", "10.0.0.128/25"),
    "10.0.1.0/25": ("10.0.1.64/26",),
    "0.0.0.0/0": ("10.0.0.0/8", "10.0.1.0/24", "192.0.2.0/25"),
    "192.0.2.0/24": ("192.0.2.128/25",),
    "fd00::/16": ("fd00::8000/113",),
}
QUERIES: tuple[tuple[int | str, str], ...] = (
    (80, "TCP"),
    (81, "TCP"),
    (81, "UDP"),
    (53, "UDP"),
    (8080, "TCP"),
    (9000, "SCTP"),
    ("web", "TCP"),
    ("dns", "UDP"),
)

labels_st = st.dictionaries(st.sampled_from(LABEL_KEYS), st.sampled_from(LABEL_VALUES), max_size=2)


OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist")
# network-config-analyzer mishandles Exists/DoesNotExist in peer podSelectors.
PEER_SAFE_OPERATORS = ("In", "NotIn")


@st.composite
def selectors(draw: st.DrawFn, operators: tuple[str, ...] = OPERATORS) -> LabelSelector:
    labels = draw(
        st.dictionaries(st.sampled_from(LABEL_KEYS), st.sampled_from(LABEL_VALUES), max_size=1)
    )
    requirements = draw(
        st.lists(
            st.builds(
                Requirement,
                key=st.sampled_from((*LABEL_KEYS, NAMESPACE_NAME_LABEL)),
                operator=st.sampled_from(operators),
                values=st.frozensets(
                    st.sampled_from((*LABEL_VALUES, *NAMESPACES)), min_size=1, max_size=2
                ),
            ),
            max_size=1,
        )
    )
    requirements = [
        Requirement(
            r.key, r.operator, frozenset() if r.operator in ("Exists", "DoesNotExist") else r.values
        )
        for r in requirements
    ]
    return LabelSelector(tuple(sorted(labels.items())), tuple(requirements))


@st.composite
def ip_blocks(draw: st.DrawFn) -> IPBlock:
    cidr = draw(st.sampled_from(CIDRS))
    excepts = draw(st.lists(st.sampled_from(EXCEPTS[cidr]), max_size=2, unique=True))
    return IPBlock(ipaddress.ip_network(cidr), tuple(ipaddress.ip_network(e) for e in excepts))


def peers(operators: tuple[str, ...]) -> st.SearchStrategy[Peer]:
    return st.one_of(
        st.builds(Peer, pod_selector=selectors(operators)),
        st.builds(Peer, namespace_selector=selectors(operators)),
        st.builds(Peer, pod_selector=selectors(operators), namespace_selector=selectors(operators)),
        st.builds(Peer, ip_block=ip_blocks()),
    )


@st.composite
def policy_ports(draw: st.DrawFn) -> PolicyPort:
    protocol = draw(st.sampled_from(("TCP", "UDP", "SCTP")))
    form = draw(st.sampled_from(("all", "number", "range", "name")))
    if form == "all":
        return PolicyPort(protocol)
    if form == "name":
        return PolicyPort(protocol, draw(st.sampled_from(("http", "web", "dns", "sctp", "none"))))
    port = draw(st.sampled_from((53, 80, 81, 8080, 9000)))
    if form == "number":
        return PolicyPort(protocol, port)
    return PolicyPort(protocol, port, port + draw(st.sampled_from((0, 1, 8000))))


def rules(operators: tuple[str, ...]) -> st.SearchStrategy[Rule]:
    return st.builds(
        Rule,
        peers=st.lists(peers(operators), max_size=2).map(tuple),
        ports=st.lists(policy_ports(), max_size=2).map(tuple),
    )


@st.composite
def policies(draw: st.DrawFn, index: int, operators: tuple[str, ...]) -> NetworkPolicy:
    types: frozenset[Direction] = draw(
        st.sampled_from(
            (frozenset({"ingress"}), frozenset({"egress"}), frozenset({"ingress", "egress"}))
        )
    )
    return NetworkPolicy(
        namespace=draw(st.sampled_from(NAMESPACES)),
        name=f"p{index}",
        pod_selector=draw(selectors()),
        policy_types=types,
        ingress=tuple(draw(st.lists(rules(operators), max_size=2))),
        egress=tuple(draw(st.lists(rules(operators), max_size=2))),
    )


@st.composite
def clusters(draw: st.DrawFn, peer_safe: bool = False) -> Cluster:
    """A random cluster; ``peer_safe`` avoids the peer analyzer's known deviations (IPv4 pod
    IPs only, no Exists/DoesNotExist)."""
    operators = PEER_SAFE_OPERATORS if peer_safe else OPERATORS
    pool = tuple(ip for ip in POD_IPS if ip.version == 4) if peer_safe else POD_IPS
    namespaces = tuple(
        Namespace(
            name,
            tuple(sorted({**draw(labels_st), NAMESPACE_NAME_LABEL: name}.items())),
        )
        for name in NAMESPACES
    )
    count = draw(st.integers(1, 7))
    ips = draw(st.lists(st.sampled_from(pool), min_size=count, max_size=count, unique=True))
    endpoints = tuple(
        Endpoint(
            namespace=draw(st.sampled_from(NAMESPACES)),
            name=f"pod{i}",
            labels=tuple(sorted(draw(labels_st).items())),
            ips=(ips[i],) if draw(st.booleans()) else (),
            ports=tuple(
                draw(
                    st.lists(
                        st.sampled_from(CONTAINER_PORTS),
                        max_size=3,
                        unique_by=(lambda p: p.name, lambda p: (p.port, p.protocol)),
                    )
                )
            ),
        )
        for i in range(count)
    )
    policy_count = draw(st.integers(0, 4))
    return Cluster(
        namespaces=namespaces,
        endpoints=endpoints,
        policies=tuple(draw(policies(i, operators)) for i in range(policy_count)),
    )


# Tier policies (AdminNetworkPolicy / BaselineAdminNetworkPolicy / ClusterNetworkPolicy).
TIER_NETWORKS = ("10.0.0.0/24", "10.0.1.0/25", "0.0.0.0/0", "192.0.2.0/24", "fd00::/16")


def tier_selections() -> st.SearchStrategy[TierSelector]:
    return st.one_of(
        st.builds(TierSelector, namespaces=selectors()),
        st.builds(TierSelector, namespaces=selectors(), pods=selectors()),
    )


def tier_peers(direction: str) -> st.SearchStrategy[TierPeer]:
    selection = st.builds(
        lambda s: TierPeer("pods" if s.pods else "namespaces", s), tier_selections()
    )
    if direction == "ingress":
        return selection
    networks = st.lists(st.sampled_from(TIER_NETWORKS), min_size=1, max_size=2, unique=True).map(
        lambda cidrs: TierPeer("networks", networks=tuple(ipaddress.ip_network(c) for c in cidrs))
    )
    domains = st.lists(
        st.sampled_from(("*.example.com", "api.example.com", "models.example.org")),
        min_size=1,
        max_size=2,
        unique=True,
    ).map(lambda names: TierPeer("domainNames", domains=tuple(names)))
    nodes = st.builds(lambda s: TierPeer("nodes", nodes=s), selectors())
    return st.one_of(selection, networks, domains, nodes)


@st.composite
def tier_ports(draw: st.DrawFn) -> TierPort:
    form = draw(st.sampled_from(("number", "range", "name")))
    if form == "name":
        return TierPort(name=draw(st.sampled_from(("http", "web", "dns", "none"))))
    protocol = draw(st.sampled_from(("TCP", "UDP", "SCTP")))
    low = draw(st.sampled_from((53, 80, 81, 8080, 9000)))
    return TierPort(
        protocol, low, low + (0 if form == "number" else draw(st.sampled_from((1, 8000))))
    )


@st.composite
def tier_rules(draw: st.DrawFn, direction: str, actions: tuple[str, ...], index: int) -> TierRule:
    ports = draw(st.none() | st.lists(tier_ports(), min_size=1, max_size=2).map(tuple))
    return TierRule(
        index=index,
        action=draw(st.sampled_from(actions)),
        peers=tuple(draw(st.lists(tier_peers(direction), min_size=1, max_size=2))),
        ports=ports,
        name=f"r{index}",
    )


@st.composite
def tier_policies(draw: st.DrawFn, index: int) -> TierPolicy:
    kind = draw(
        st.sampled_from(
            ("AdminNetworkPolicy", "BaselineAdminNetworkPolicy", "ClusterNetworkPolicy")
        )
    )
    tier = "Baseline" if kind == "BaselineAdminNetworkPolicy" else "Admin"
    if kind == "ClusterNetworkPolicy":
        tier = draw(st.sampled_from(("Admin", "Baseline")))
    actions = (
        ("Allow", "Deny") if kind == "BaselineAdminNetworkPolicy" else ("Allow", "Deny", "Pass")
    )
    rules = {
        direction: tuple(
            draw(tier_rules(direction, actions, i)) for i in range(draw(st.integers(0, 2)))
        )
        for direction in ("ingress", "egress")
    }
    return TierPolicy(
        kind=kind,
        name=f"t{index}",
        tier=tier,  # type: ignore[arg-type]
        priority=None if kind == "BaselineAdminNetworkPolicy" else draw(st.sampled_from((1, 2, 5))),
        subject=draw(tier_selections()),
        ingress=rules["ingress"],
        egress=rules["egress"],
    )


@st.composite
def tiered_clusters(draw: st.DrawFn) -> Cluster:
    """A random cluster with tier policies, host-networked pods and a Node."""
    base = draw(clusters())
    endpoints = tuple(
        replace(e, host_network=draw(st.booleans()) and bool(e.ips) and i == 0)
        for i, e in enumerate(base.endpoints)
    )
    node_ips = tuple(e.ips[0] for e in endpoints if e.host_network)
    node_labels = tuple(sorted(draw(labels_st).items()))
    nodes = (ClusterNode("node-1", node_labels, node_ips or (ipaddress.ip_address("192.0.2.7"),)),)
    count = draw(st.integers(1, 4))
    return replace(
        base,
        endpoints=endpoints,
        tier_policies=tuple(draw(tier_policies(i)) for i in range(count)),
        nodes=nodes,
    )
