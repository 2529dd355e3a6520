"""The nftables compiler, names and addresses: pure functions, no root needed."""

from __future__ import annotations

import ipaddress

import pytest

from netfence.inputs import read_inputs
from netfence.lab import names, state
from netfence.lab.addresses import external_address, usable, with_lab_addresses
from netfence.lab.compare import verify_queries
from netfence.lab.nft import compile_ruleset
from netfence.lab.probe import combine
from netfence.model import Cluster

from .conftest import FIXTURES


def _xyz() -> Cluster:
    return with_lab_addresses(read_inputs([str(FIXTURES / "xyz")]).cluster)


def test_namespace_names_carry_the_lab_prefix_and_fit_interface_limits() -> None:
    lab_id = names.new_lab_id()
    namespace = names.endpoint_namespace(lab_id, 499)
    assert namespace.startswith(f"nf-{lab_id}-")
    assert names.lab_of_namespace(namespace) == lab_id
    assert names.lab_of_namespace("nf-other") is None
    assert names.lab_of_namespace("cni-1234") is None
    assert len(names.node_port(namespace)) <= 15


def test_endpoints_without_ips_get_distinct_pod_cidr_addresses() -> None:
    cluster = _xyz()
    ips = [ip for e in cluster.endpoints for ip in e.ips]
    assert len(ips) == len(set(ips)) == 9
    assert all(ip in ipaddress.ip_network("10.244.0.0/16") for ip in ips)


def test_external_address_prefers_the_representative_and_skips_unusable_ones() -> None:
    v4 = ipaddress.ip_network
    doc = ipaddress.ip_address("192.0.2.1")
    assert external_address([v4("0.0.0.0/0")], doc, set()) == doc
    zero = ipaddress.ip_address("0.0.0.0")
    chosen = external_address([v4("0.0.0.0/5")], zero, set())
    assert chosen is not None and usable(chosen) and chosen in v4("0.0.0.0/5")
    assert external_address([v4("127.0.0.0/8")], ipaddress.ip_address("127.0.0.1"), set()) is None


def test_ingress_named_ports_resolve_on_the_destination_itself() -> None:
    cluster = _xyz()
    ruleset = compile_ruleset(cluster, cluster.endpoint("x/a"))  # type: ignore[arg-type]
    assert "chain input" in ruleset and "chain output" not in ruleset
    assert "meta l4proto tcp th dport { 80 } accept" in ruleset
    assert "meta l4proto udp th dport { 81 } accept" in ruleset
    assert "\t\tdrop\n\t}" in ruleset


def test_egress_named_ports_become_destination_port_pairs_and_ipblock_keeps_except() -> None:
    cluster = _xyz()
    z_c = cluster.endpoint("z/c")
    assert z_c is not None
    ruleset = compile_ruleset(cluster, cluster.endpoint("y/b"))  # type: ignore[arg-type]
    assert f"{z_c.ips[0]} . tcp . 80" in ruleset
    assert "ip daddr . meta l4proto . th dport @" in ruleset
    assert "ip daddr 10.244.0.0/16 ip daddr != { 10.244.0.8/29 }" in ruleset


def test_ignore_reading_keeps_pod_ips_out_of_ipblocks() -> None:
    cluster = _xyz()
    endpoint = cluster.endpoint("y/b")
    assert endpoint is not None
    assert "@cluster_v4" not in compile_ruleset(cluster, endpoint, "match")
    ignoring = compile_ruleset(cluster, endpoint, "ignore")
    assert "ip daddr != @cluster_v4" in ignoring
    assert "set cluster_v4" in ignoring


def test_endpoints_no_policy_selects_get_no_ruleset() -> None:
    cluster = _xyz()
    assert compile_ruleset(cluster, cluster.endpoint("z/a")) == ""  # type: ignore[arg-type]


def test_verify_queries_cover_every_mentioned_port_and_one_unmentioned() -> None:
    queries = verify_queries(_xyz())
    assert (80, "TCP") in queries and (81, "UDP") in queries
    assert ("serve-80-tcp", "TCP") in queries and ("serve-81-udp", "UDP") in queries
    assert any(isinstance(p, int) and p not in (80, 81) for p, _ in queries)


def test_state_refuses_anything_but_a_lab_id() -> None:
    for bad in ("..", "../x", "abc", "ABCDEF1", ""):
        with pytest.raises(ValueError):
            state.files_dir(bad)
    assert state.files_dir("0a1b2c").name == "0a1b2c"


def test_a_cell_is_allowed_when_any_family_connects() -> None:
    v4, v6 = ipaddress.ip_address("10.0.0.1"), ipaddress.ip_address("fd00::1")
    assert combine([v4, v6], [(False, ""), (True, "")]) == (True, "allowed over IPv6 only")
    assert combine([v4, v6], [(False, "a"), (False, "b")]) == (False, "a")
    assert combine([v4, v6], [(True, ""), (None, "could not test: x")]) == (
        None,
        "could not test: x",
    )
