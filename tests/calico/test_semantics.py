"""Calico's documented evaluation order: tiers, policies, rules, default actions, profiles,
Kubernetes NetworkPolicies in the default tier, selectors' scopes, ports, network sets."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from netfence.engine import Engine
from netfence.inputs import read_inputs
from tests.calico.generate import cluster

FIXTURE = Path(__file__).parent.parent / "fixtures" / "calico" / "tiers"
PODS = """\
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {env: prod}}
---
apiVersion: v1
kind: Namespace
metadata: {name: lab, labels: {env: dev}}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web}}
spec: {containers: [{name: c, image: x, ports: [{containerPort: 8080, name: http}]}]}
status: {podIP: 10.0.0.1}
---
apiVersion: v1
kind: Pod
metadata: {name: db, namespace: shop, labels: {app: db}}
spec:
  serviceAccountName: store
  containers: [{name: c, image: x, ports: [{containerPort: 5432}]}]
status: {podIP: 10.0.0.2}
---
apiVersion: v1
kind: Pod
metadata: {name: probe, namespace: lab, labels: {app: probe}}
spec: {containers: [{name: c, image: x}]}
status: {podIP: 10.0.1.1}
"""


def engine(tmp_path: Path, policies: str) -> Engine:
    (tmp_path / "c.yaml").write_text(PODS + "---\n" + policies)
    return Engine(read_inputs([str(tmp_path)]).cluster)


def allowed(e: Engine, src: str, dst: str, port: int | str = 5432) -> bool:
    return e.verdict(src, dst, port).allowed


def gnp(name: str, spec: str) -> str:
    body = "\n".join("  " + line for line in spec.strip().splitlines())
    return (
        f"apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\n"
        f"metadata: {{name: {name}}}\nspec:\n{body}\n---\n"
    )


def tier(name: str, order: str, action: str = "Deny") -> str:
    spec = (
        f"{{defaultAction: {action}}}"
        if order == "nil"
        else (f"{{order: {order}, defaultAction: {action}}}")
    )
    return (
        "apiVersion: projectcalico.org/v3\nkind: Tier\n"
        f"metadata: {{name: {name}}}\nspec: {spec}\n---\n"
    )


def test_no_policy_means_profile_allows(tmp_path: Path) -> None:
    e = engine(tmp_path, tier("empty", "5"))
    assert allowed(e, "shop/web", "shop/db")


def test_tiers_run_by_order_and_nil_last(tmp_path: Path) -> None:
    deny = "selector: app == 'db'\ningress: [{action: Deny}]"
    allow = "selector: app == 'db'\ningress: [{action: Allow}]"
    first = tier("b", "10") + tier("a", "nil") + gnp("b.deny", "tier: b\n" + deny)
    first += gnp("a.allow", "tier: a\n" + allow)
    assert not allowed(engine(tmp_path, first), "shop/web", "shop/db")
    second = tier("b", "nil") + tier("a", "10") + gnp("b.deny", "tier: b\n" + deny)
    second += gnp("a.allow", "tier: a\n" + allow)
    assert allowed(engine(tmp_path, second), "shop/web", "shop/db")


def test_policies_by_order_then_name_and_nil_order_last(tmp_path: Path) -> None:
    deny = "selector: app == 'db'\ningress: [{action: Deny}]"
    allow = "selector: app == 'db'\ningress: [{action: Allow}]"
    assert allowed(
        engine(tmp_path, gnp("a", deny) + gnp("b", "order: 5\n" + allow)), "shop/web", "shop/db"
    )
    same = gnp("b", "order: 5\n" + deny) + gnp("a", "order: 5\n" + allow)
    assert allowed(engine(tmp_path, same), "shop/web", "shop/db")
    same = gnp("a", "order: 5\n" + deny) + gnp("b", "order: 5\n" + allow)
    assert not allowed(engine(tmp_path, same), "shop/web", "shop/db")


def test_rules_in_order_log_continues(tmp_path: Path) -> None:
    spec = (
        "selector: app == 'db'\n"
        "ingress: [{action: Log}, {action: Deny, protocol: UDP}, "
        "{action: Allow}]"
    )
    e = engine(tmp_path, gnp("p", spec))
    assert allowed(e, "shop/web", "shop/db")


def test_tier_end_denies_unless_default_action_pass(tmp_path: Path) -> None:
    spec = (
        "tier: t\n"
        "selector: app == 'db'\n"
        "ingress: [{action: Allow, source: {selector: app == 'none'}}]"
    )
    assert not allowed(engine(tmp_path, tier("t", "1") + gnp("t.p", spec)), "shop/web", "shop/db")
    passing = tier("t", "1", "Pass") + gnp("t.p", spec)
    assert allowed(engine(tmp_path, passing), "shop/web", "shop/db")


def test_pass_skips_to_next_tier_and_ends_at_profiles(tmp_path: Path) -> None:
    spec = "tier: t\nselector: app == 'db'\ningress: [{action: Pass}, {action: Deny}]"
    e = engine(tmp_path, tier("t", "1") + gnp("t.p", spec))
    assert allowed(e, "shop/web", "shop/db")
    later = "selector: app == 'db'\ningress: [{action: Deny, source: {selector: app == 'web'}}]"
    e = engine(tmp_path, tier("t", "1") + gnp("t.p", spec) + gnp("later", later))
    assert not allowed(e, "shop/web", "shop/db")
    assert not allowed(e, "lab/probe", "shop/db")  # the default tier applies: its end denies


def test_kubernetes_policies_sit_at_order_1000_of_the_default_tier(tmp_path: Path) -> None:
    k8s = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-from-web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress: [{from: [{podSelector: {matchLabels: {app: web}}}]}]
---
"""
    before = gnp(
        "early",
        (
            "order: 999\n"
            "selector: app == 'db'\n"
            "ingress: [{action: Deny, source: {selector: app == 'web'}}]"
        ),
    )
    assert not allowed(engine(tmp_path, k8s + before), "shop/web", "shop/db")
    after = gnp(
        "late",
        (
            "order: 1001\n"
            "selector: app == 'db'\n"
            "ingress: [{action: Deny, source: {selector: app == 'web'}}]"
        ),
    )
    e = engine(tmp_path, k8s + after)
    assert allowed(e, "shop/web", "shop/db")
    assert not allowed(e, "lab/probe", "shop/db")


def test_types_default_and_selector_scopes(tmp_path: Path) -> None:
    only_egress = """\
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: p, namespace: shop}
spec:
  selector: all()
  egress: [{action: Allow, destination: {selector: app == 'db'}}]
"""
    e = engine(tmp_path, only_egress)
    assert allowed(e, "shop/web", "shop/db")
    assert not allowed(e, "shop/web", "lab/probe")  # egress isolated, probe is out of scope
    assert allowed(e, "lab/probe", "shop/web")  # no ingress type by default
    global_scope = gnp(
        "g",
        (
            "selector: app == 'db'\n"
            "ingress: [{action: Allow, "
            "source: {namespaceSelector: projectcalico.org/name == 'lab'}}]"
        ),
    )
    e = engine(tmp_path, global_scope)
    assert allowed(e, "lab/probe", "shop/db")
    assert not allowed(e, "shop/web", "shop/db")


def test_not_selector_service_accounts_and_pcns(tmp_path: Path) -> None:
    spec = (
        "selector: pcns.env == 'prod'\n"
        "egress: [{action: Allow, destination: {notSelector: app == 'probe'}}]"
    )
    e = engine(tmp_path, gnp("p", spec))
    assert allowed(e, "shop/web", "shop/db")
    assert not allowed(e, "shop/web", "lab/probe", 80)
    spec = (
        "selector: app == 'web'\n"
        "serviceAccountSelector: projectcalico.org/name == 'default'\n"
        "egress: [{action: Allow, "
        "destination: {serviceAccounts: {names: [store]}}}]"
    )
    e = engine(tmp_path, gnp("p", spec))
    assert allowed(e, "shop/web", "shop/db")
    assert not allowed(e, "shop/web", "lab/probe", 80)
    assert allowed(e, "shop/db", "lab/probe", 80)  # store is not selected by the policy


def test_ports_ranges_names_and_protocols(tmp_path: Path) -> None:
    spec = (
        "selector: app == 'web'\n"
        "ingress:\n"
        "- {action: Deny, protocol: TCP, "
        "destination: {notPorts: ['8000:8100']}}\n"
        "- {action: Allow, protocol: TCP, destination: {ports: [http]}}"
    )
    e = engine(tmp_path, gnp("p", spec))
    assert allowed(e, "shop/db", "shop/web", 8080)
    assert allowed(e, "shop/db", "shop/web", "http")
    assert not allowed(e, "shop/db", "shop/web", 8081)
    assert not allowed(e, "shop/db", "shop/web", 80)
    icmp = "selector: app == 'web'\ningress: [{action: Allow, protocol: ICMP}]"
    e = engine(tmp_path, gnp("p", icmp))
    assert not allowed(e, "shop/db", "shop/web", 8080)


def test_network_sets_as_peers_and_global_scope(tmp_path: Path) -> None:
    sets = """\
apiVersion: projectcalico.org/v3
kind: GlobalNetworkSet
metadata: {name: partners, labels: {kind: partner}}
spec: {nets: [198.51.100.0/24]}
---
apiVersion: projectcalico.org/v3
kind: NetworkSet
metadata: {name: local, namespace: shop, labels: {kind: partner}}
spec: {nets: [203.0.113.0/24]}
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: p, namespace: shop}
spec:
  selector: app == 'web'
  types: [Egress]
  egress: [{action: Allow, destination: {selector: kind == 'partner'}}]
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: q, namespace: shop}
spec:
  selector: app == 'db'
  types: [Egress]
  egress: [{action: Allow, destination: {selector: kind == 'partner', namespaceSelector: global()}}]
"""
    e = engine(tmp_path, sets)
    assert allowed(e, "shop/web", "203.0.113.7", 443)
    assert not allowed(e, "shop/web", "198.51.100.7", 443)
    assert allowed(e, "shop/db", "198.51.100.7", 443)
    assert not allowed(e, "shop/db", "203.0.113.7", 443)


def test_host_endpoint_policies_do_not_apply_to_pods(tmp_path: Path) -> None:
    spec = "selector: all()\npreDNAT: true\napplyOnForward: true\ningress: [{action: Deny}]"
    e = engine(tmp_path, gnp("host", spec))
    assert allowed(e, "shop/web", "shop/db")


def test_fixture_matrix(tmp_path: Path) -> None:
    e = Engine(read_inputs([str(FIXTURE)]).cluster)
    expected = {
        ("shop/web", "shop/db", 5432): True,
        ("shop/db", "shop/web", 5432): False,
        ("shop/db", "shop/web", 8080): True,
        ("shop/web", "shop/db", 8080): False,
        ("lab/probe", "shop/web", 8080): False,
        ("shop/web", "lab/probe", 9000): True,
        ("shop/web", "169.254.169.254", 80): False,
    }
    for (src, dst, port), verdict in expected.items():
        assert allowed(e, src, dst, port) is verdict, (src, dst, port)
    denied = e.verdict("shop/web", "169.254.169.254", 80).egress.decided_by
    assert denied is not None
    assert (
        denied.policy_label == "GlobalNetworkPolicy platform.deny-egress (tier platform, order 100)"
    )
    assert denied.rule_label == "2"


@pytest.mark.parametrize("seed", range(12))
def test_matrix_agrees_with_the_per_pair_evaluator(seed: int, tmp_path: Path) -> None:
    (tmp_path / "c.yaml").write_text(yaml.safe_dump_all(cluster(seed)))
    e = Engine(read_inputs([str(tmp_path)]).cluster)
    for port in (80, 8080, 53, "http"):
        for protocol in ("TCP", "UDP"):
            matrix = e.matrix(port, protocol)  # type: ignore[arg-type]
            for src in e.endpoints:
                for dst in (*e.endpoints, *e.externals):
                    cell = matrix.cell(src.id, dst.id)
                    assert cell == e.verdict(src, dst, port, protocol).allowed  # type: ignore[arg-type]
