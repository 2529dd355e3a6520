"""Endpoints without an IP have an address somewhere in the pod CIDR (engine.addresses)."""

from __future__ import annotations

import ipaddress
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netfence.engine import Engine, EngineOptions
from netfence.engine.addresses import PodCIDR, address_classes, pod_cidr
from netfence.engine.reference import Reference
from netfence.model import (
    Cluster,
    ContainerPort,
    Endpoint,
    IPBlock,
    LabelSelector,
    Namespace,
    NetworkPolicy,
    Peer,
    Rule,
)
from netfence.model.tiers import ClusterNode
from tests.engine.strategies import NAMESPACES, QUERIES, clusters, ip_blocks, tiered_clusters

net = ipaddress.ip_network
WEB = Endpoint("shop", "web", kind="Deployment", labels=(("app", "web"),))
DB = Endpoint(
    "shop", "db", kind="StatefulSet", labels=(("app", "db"),), ports=(ContainerPort(5432),)
)


def ingress_from(block: IPBlock) -> NetworkPolicy:
    return NetworkPolicy(
        namespace="shop",
        name="db-in",
        pod_selector=LabelSelector((("app", "db"),)),
        policy_types=frozenset({"ingress"}),
        ingress=(Rule(peers=(Peer(ip_block=block),)),),
    )


def cluster(block: IPBlock, *endpoints: Endpoint, nodes: tuple[ClusterNode, ...] = ()) -> Cluster:
    return Cluster(
        namespaces=(Namespace("shop"),),
        endpoints=endpoints or (WEB, DB),
        policies=(ingress_from(block),),
        nodes=nodes,
    )


def block(cidr: str, *excepts: str) -> IPBlock:
    return IPBlock(net(cidr), tuple(net(e) for e in excepts))


def engine(model: Cluster, *cidrs: str, reading: str = "match") -> Engine:
    options = EngineOptions(ipblock_pods=reading, pod_cidrs=tuple(net(c) for c in cidrs))  # type: ignore[arg-type]
    return Engine(model, options)


def cell(found: Engine, src: str, dst: str, port: int = 5432) -> tuple[bool, bool]:
    """(allowed, depends on the address) of the matrix cell."""
    matrix = found.matrix(port, "TCP")
    i, j = matrix.index(src), matrix.index(dst)
    depends = matrix.depends is not None and bool(matrix.depends[i, j])
    return bool(matrix.allowed[i, j]), depends


def test_a_block_holding_the_whole_pod_cidr_matches_an_endpoint_without_ip() -> None:
    found = engine(cluster(block("0.0.0.0/0")))
    verdict = found.verdict("shop/web", "shop/db", 5432)
    assert verdict.allowed and verdict.depends_on_address is None
    assert verdict.ipblock_reading_decided  # ignore would block it
    assert cell(found, "shop/web", "shop/db") == (True, False)
    assert found.placement_notes and "10.244.0.0/16 (default" in found.placement_notes[0]
    ignored = engine(cluster(block("0.0.0.0/0")), reading="ignore")
    assert cell(ignored, "shop/web", "shop/db") == (False, False)


def test_a_block_disjoint_from_the_pod_cidr_never_matches_it() -> None:
    for disjoint in (block("192.168.0.0/16"), block("10.0.0.0/8", "10.244.0.0/16")):
        found = engine(cluster(disjoint))
        verdict = found.verdict("shop/web", "shop/db", 5432)
        assert not verdict.allowed and verdict.depends_on_address is None
        assert cell(found, "shop/web", "shop/db") == (False, False)


def test_a_block_holding_part_of_the_pod_cidr_makes_the_verdict_depend_on_the_address() -> None:
    for partial, inside in (
        (block("10.244.0.0/17"), "10.244.0.0/17"),
        (block("10.0.0.0/8", "10.244.128.0/17"), "10.244.0.0/17"),
        (block("10.244.0.0/16", "10.244.0.0/17"), "10.244.128.0/17"),
    ):
        found = engine(cluster(partial))
        verdict = found.verdict("shop/web", "shop/db", 5432)
        assert not verdict.allowed
        assert verdict.depends_on_address is not None
        assert verdict.depends_on_address.condition == f"shop/web's address is in {inside}"
        assert verdict.depends_on_address.allowing.allowed
        assert verdict.depends_on_address.blocks == (f"ipBlock {partial} (shop/db-in ingress[0])",)
        assert cell(found, "shop/web", "shop/db") == (False, True)
        assert 5432 in found.connections("shop/web", "shop/db")["TCP"]
        assert 5432 not in found.certain_connections("shop/web", "shop/db")["TCP"]


def test_the_given_pod_cidr_decides_whole_partial_or_disjoint() -> None:
    model = cluster(block("10.244.0.0/17"))
    assert cell(engine(model, "10.244.0.0/18"), "shop/web", "shop/db") == (True, False)
    assert cell(engine(model, "10.244.0.0/16"), "shop/web", "shop/db") == (False, True)
    assert cell(engine(model, "172.16.0.0/16"), "shop/web", "shop/db") == (False, False)


def test_ipv6_and_dual_stack_pod_cidrs() -> None:
    model = cluster(block("fd00:10::/65"))
    assert cell(engine(model, "fd00:10::/64"), "shop/web", "shop/db") == (False, True)
    assert cell(engine(cluster(block("::/0")), "fd00:10::/64"), "shop/web", "shop/db") == (
        True,
        False,
    )
    # dual stack: the pod has an IPv4 address in 10.244.0.0/16 and an IPv6 one in fd00:10::/64
    assert cell(
        engine(cluster(block("0.0.0.0/0")), "10.244.0.0/16", "fd00:10::/64"), "shop/web", "shop/db"
    ) == (True, False)
    dual = engine(model, "10.244.0.0/16", "fd00:10::/64")
    assert cell(dual, "shop/web", "shop/db") == (False, True)
    verdict = dual.verdict("shop/web", "shop/db", 5432)
    assert verdict.depends_on_address is not None
    assert "fd00:10::/65" in verdict.depends_on_address.condition


def test_both_ends_without_ip_are_placed_independently() -> None:
    egress = NetworkPolicy(
        namespace="shop",
        name="web-out",
        pod_selector=LabelSelector((("app", "web"),)),
        policy_types=frozenset({"egress"}),
        egress=(Rule(peers=(Peer(ip_block=block("10.244.128.0/17")),)),),
    )
    model = replace(
        cluster(block("10.244.0.0/17")), policies=(ingress_from(block("10.244.0.0/17")), egress)
    )
    verdict = engine(model).verdict("shop/web", "shop/db", 5432)
    assert verdict.depends_on_address is not None
    assert verdict.depends_on_address.condition == (
        "shop/web's address is in 10.244.0.0/17 and shop/db's address is in 10.244.128.0/17"
    )


def test_pods_with_ips_are_matched_by_their_ip_only() -> None:
    pod = replace(WEB, kind="Pod", ips=(ipaddress.ip_address("192.168.1.5"),))
    found = engine(cluster(block("192.168.0.0/16"), pod, DB))
    assert cell(found, "shop/web", "shop/db") == (True, False)
    outside = engine(cluster(block("10.244.0.0/16"), pod, DB))
    assert cell(outside, "shop/web", "shop/db") == (False, False)
    db = replace(DB, kind="Pod", ips=(ipaddress.ip_address("10.244.3.4"),))
    assert not engine(cluster(block("10.244.0.0/16"), pod, db)).placement_notes


def test_host_networked_endpoints_are_not_placed_in_the_pod_cidr() -> None:
    host = replace(WEB, host_network=True)
    assert cell(engine(cluster(block("0.0.0.0/0"), host, DB)), "shop/web", "shop/db") == (
        False,
        False,
    )


def test_where_the_pod_cidr_comes_from() -> None:
    nodes = (
        ClusterNode("n1", pod_cidrs=(net("10.1.0.0/24"),)),
        ClusterNode("n2", pod_cidrs=(net("10.1.1.0/24"),)),
    )
    model = cluster(block("10.1.0.0/24"), nodes=nodes)
    found = pod_cidr((), model)
    assert found == PodCIDR((net("10.1.0.0/24"), net("10.1.1.0/24")), "input")
    assert str(found) == "pod CIDR 10.1.0.0/24, 10.1.1.0/24 (the input's Nodes, spec.podCIDRs)"
    assert pod_cidr((net("10.9.0.0/16"),), model).source == "given"
    assert str(pod_cidr((), Cluster())) == (
        "pod CIDR 10.244.0.0/16 (default: not given, not in the input)"
    )
    # the Nodes' pod CIDRs: web is on one of the two nodes, 10.1.0.0/24 holds one of them
    verdict = engine(model).verdict("shop/web", "shop/db", 5432)
    assert verdict.depends_on_address is not None
    assert verdict.depends_on_address.condition == "shop/web's address is in 10.1.0.0/24"


def test_address_classes_split_the_pod_cidr_where_cidrs_do() -> None:
    model = cluster(block("10.244.0.0/17", "10.244.64.0/18"))
    classes = address_classes(pod_cidr((), model), model)
    # addresses every CIDR treats alike are one class, wherever they lie
    assert [c.name for c in classes] == ["10.244.0.0/18", "10.244.64.0/18,10.244.128.0/17"]
    assert [str(c.ips[0]) for c in classes] == ["10.244.0.1", "10.244.64.1"]
    assert len(address_classes(pod_cidr((), Cluster()), Cluster())) == 1


PARTIAL_POD_CIDRS = st.sampled_from(
    (
        ("10.0.0.0/23",),
        ("10.0.0.0/16",),
        ("fd00::/112",),
        ("10.0.0.0/23", "fd00::/112"),
        ("10.244.0.0/16",),
    )
)
SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def agree(model: Cluster, cidrs: tuple[str, ...], reading: str) -> None:
    """Every cell of the matrices (allowed, depends) is the reference's verdict, and the
    connections hold a port exactly when some address allows it."""
    found = engine(model, *cidrs, reading=reading)
    pod = PodCIDR(tuple(net(c) for c in cidrs), "given")
    reference = Reference(model, found.options.ipblock_pods, pod)
    for port, protocol in QUERIES:
        matrix = found.matrix(port, protocol)  # type: ignore[arg-type]
        for i, src in enumerate(matrix.nodes):
            for j, dst in enumerate(matrix.nodes):
                verdict = reference.verdict(src, dst, port, protocol)  # type: ignore[arg-type]
                depends = matrix.depends is not None and bool(matrix.depends[i, j])
                where = (src.id, dst.id, port, protocol)
                assert bool(matrix.allowed[i, j]) == verdict.allowed, where
                assert depends == (verdict.depends_on_address is not None), where
                if isinstance(port, int):
                    some = port in found.connections(src, dst)[protocol]  # type: ignore[index]
                    every = port in found.certain_connections(src, dst)[protocol]  # type: ignore[index]
                    assert some == (verdict.allowed or depends), where
                    assert every == verdict.allowed, where


@st.composite
def addressed_clusters(draw: st.DrawFn, base: st.SearchStrategy[Cluster]) -> Cluster:
    """A random cluster plus policies that admit ipBlocks to every pod of a namespace, so that
    ends without an IP meet CIDRs holding all, part or none of the pod CIDR."""
    model = draw(base)
    extra = tuple(
        NetworkPolicy(
            namespace=draw(st.sampled_from(NAMESPACES)),
            name=f"cidr{i}",
            pod_selector=LabelSelector(),
            policy_types=frozenset({direction}),
            **{direction: (Rule(peers=(Peer(ip_block=draw(ip_blocks())),)),)},
        )
        for i, direction in enumerate(
            draw(st.lists(st.sampled_from(("ingress", "egress")), min_size=1, max_size=3))
        )
    )
    return replace(model, policies=model.policies + extra)


@SETTINGS
@given(addressed_clusters(clusters()), PARTIAL_POD_CIDRS, st.sampled_from(("match", "ignore")))
def test_placed_matrices_agree_with_the_reference(
    model: Cluster, cidrs: tuple[str, ...], reading: str
) -> None:
    agree(model, cidrs, reading)


@SETTINGS
@given(addressed_clusters(tiered_clusters()), PARTIAL_POD_CIDRS)
def test_placed_tiered_matrices_agree_with_the_reference(
    model: Cluster, cidrs: tuple[str, ...]
) -> None:
    agree(model, cidrs, "match")
