"""The semantic diff on small clusters: exact ports, protocols, externals and endpoints."""

from __future__ import annotations

import ipaddress

from netfence.diff import compare
from netfence.diff.sides import EndpointChoice, Side, pair_sides
from netfence.engine import IPSet, PortSet
from netfence.load import Limits, load_text
from netfence.model import Cluster, build_cluster

PODS = """
apiVersion: v1
kind: Namespace
metadata: {name: app, labels: {tier: app}}
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: app, labels: {role: client}}
status: {podIP: 10.1.0.1}
---
apiVersion: v1
kind: Pod
metadata: {name: server, namespace: app, labels: {role: server}}
spec:
  containers: [{name: s, image: s, ports: [{name: web, containerPort: 8080}]}]
status: {podIP: 10.1.0.2}
"""


def ingress(ports: str) -> str:
    return f"""
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: server-in, namespace: app}}
spec:
  podSelector: {{matchLabels: {{role: server}}}}
  ingress: [{{from: [{{podSelector: {{matchLabels: {{role: client}}}}}}], ports: {ports}}}]
"""


def egress(to: str, ports: str = "[{port: 443}]") -> str:
    return f"""
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: client-out, namespace: app}}
spec:
  podSelector: {{matchLabels: {{role: client}}}}
  egress: [{{to: {to}, ports: {ports}}}]
  policyTypes: [Egress]
"""


def cluster(text: str) -> Cluster:
    loaded = load_text(text, "test.yaml", "default", Limits())
    assert not loaded.problems, loaded.problems
    return build_cluster(loaded.documents)


def side(text: str, label: str) -> Side:
    return Side(label, cluster(text))


def test_identical_sets_have_no_changes() -> None:
    text = PODS + ingress("[{port: 8080}]")
    result = compare(cluster(text), cluster(text))
    assert result.is_empty
    assert not result.endpoints_added and not result.endpoints_removed


def test_narrowed_port_range_removes_exactly_the_difference() -> None:
    old = cluster(PODS + ingress("[{port: 8000, endPort: 8090}]"))
    new = cluster(PODS + ingress("[{port: web}]"))
    result = compare(old, new)
    assert result.added == ()
    assert [(c.src, c.dst, c.protocol, str(c.ports)) for c in result.removed] == [
        ("app/client", "app/server", "TCP", "8000-8079,8081-8090")
    ]


def test_new_protocol_is_added_on_its_own() -> None:
    old = cluster(PODS + ingress("[{port: 53}]"))
    new = cluster(PODS + ingress("[{port: 53}, {port: 53, protocol: UDP}]"))
    result = compare(old, new)
    assert [(c.protocol, c.ports) for c in result.added] == [("UDP", PortSet.single(53))]
    assert result.removed == ()
    assert result.new_egress == result.new_ingress == result.added


def test_externals_are_aligned_and_compared_exactly() -> None:
    old = cluster(PODS + egress("[{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}}]"))
    new = cluster(PODS + egress("[{ipBlock: {cidr: 203.0.113.0/24}}]"))
    result = compare(old, new)
    assert result.added == ()
    removed = IPSet()
    for change in result.removed:
        assert (change.src, change.protocol, str(change.ports)) == ("app/client", "TCP", "443")
        assert change.dst_external and change.is_egress and not change.is_ingress
        removed = removed | IPSet.of(change.dst_cidrs)
    expected = IPSet.of([ipaddress.ip_network("0.0.0.0/0")]) - IPSet.of(
        [ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("203.0.113.0/24")]
    )
    assert removed == expected


def test_traffic_from_outside_counts_as_ingress_only() -> None:
    closed = cluster(PODS + ingress("[{port: 8080}]"))
    opened = cluster(
        PODS
        + ingress("[{port: 8080}]").replace(
            "{podSelector: {matchLabels: {role: client}}}",
            "{podSelector: {matchLabels: {role: client}}}, {ipBlock: {cidr: 192.0.2.0/24}}",
        )
    )
    result = compare(closed, opened)
    assert result.added
    assert all(c.src_external and c.is_ingress and not c.is_egress for c in result.added)
    assert result.new_egress == ()


def test_workloads_only_on_one_side_are_named() -> None:
    extra = PODS + (
        "---\napiVersion: v1\nkind: Pod\nmetadata: {name: batch, namespace: app}\n"
        "status: {podIP: 10.1.0.3}\n"
    )
    result = compare(cluster(PODS), cluster(extra))
    assert result.endpoints_added == ("app/batch",)
    assert {c.src for c in result.added} | {c.dst for c in result.added} >= {"app/batch"}
    assert result.removed == ()


def test_a_side_without_workloads_borrows_the_other_sides() -> None:
    policies_only = ingress("[{port: 8080}]") + (
        "---\napiVersion: v1\nkind: Namespace\nmetadata: {name: app, labels: {tier: new}}\n"
    )
    old, new = pair_sides(side(PODS, "old"), side(policies_only, "new"))
    assert [e.id for e in new.cluster.endpoints] == ["app/client", "app/server"]
    assert new.cluster.namespace_labels("app")["tier"] == "new"
    result = compare(old.cluster, new.cluster)
    assert result.added == ()
    inside = [
        (c.src, c.dst, c.protocol, str(c.ports)) for c in result.removed if not c.src_external
    ]
    assert inside == [
        ("app/client", "app/server", "TCP", "1-8079,8081-65535"),
        ("app/client", "app/server", "UDP", "all"),
        ("app/client", "app/server", "SCTP", "all"),
    ]
    assert {c.dst for c in result.removed if c.src_external} == {"app/server"}


def test_endpoint_choice_forces_one_sides_workloads() -> None:
    other = PODS.replace("name: client", "name: other-client")
    old, new = pair_sides(side(PODS, "old"), side(other, "new"), EndpointChoice.old)
    assert [e.id for e in new.cluster.endpoints] == [e.id for e in old.cluster.endpoints]
    assert compare(old.cluster, new.cluster).is_empty


def test_describe_prefers_the_shorter_form() -> None:
    net = ipaddress.ip_network
    assert IPSet.description(IPSet.of([net("203.0.113.0/24")])) == "203.0.113.0/24"
    assert (
        IPSet.description(IPSet.of([net("0.0.0.0/0")]) - IPSet.of([net("10.0.0.0/8")]))
        == "0.0.0.0/0 except 10.0.0.0/8"
    )
    assert IPSet.description(IPSet.of([net("::/0"), net("0.0.0.0/0")])) == "0.0.0.0/0; ::/0"
    assert (
        IPSet.description(IPSet.of([net("2001:db8::/32")]) - IPSet.of([net("2001:db8:1::/48")]))
        == "2001:db8::/32 except 2001:db8:1::/48"
    )
    assert IPSet().description() == "none"


def test_real_workloads_win_over_a_blueprints_stand_ins() -> None:
    stand_ins = Side("bp", cluster(PODS.replace("name: client", "name: stand-in")), stand_ins=True)
    old, new = pair_sides(side(PODS, "old"), stand_ins)
    assert [e.id for e in new.cluster.endpoints] == ["app/client", "app/server"]
    old, new = pair_sides(stand_ins, side(PODS, "new"))
    assert [e.id for e in old.cluster.endpoints] == ["app/client", "app/server"]
    old, new = pair_sides(stand_ins, stand_ins)
    assert old.cluster.endpoints == new.cluster.endpoints
    assert old.cluster.witnesses and all("stand-in" not in e.id for e in old.cluster.endpoints)


def test_progress_reaches_every_pair() -> None:
    calls: list[tuple[int, int]] = []
    compare(cluster(PODS), cluster(PODS), progress=lambda done, total: calls.append((done, total)))
    total = calls[-1][1]
    assert calls == [(done, total) for done in range(1, total + 1)]
    # 2 workloads: 2 ordered pairs between them, plus both directions to each external piece.
    assert total > 2 and (total - 2) % 4 == 0
