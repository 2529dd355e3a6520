"""DNS reachability: kube-dns pods, NodeLocal DNSCache given or found in the policies."""

from __future__ import annotations

import ipaddress
from dataclasses import replace

from netfence.inputs import read_inputs
from netfence.lint import LintOptions, lint_cluster
from netfence.model import Cluster
from tests.lint.scenarios import BASE, RULES_DIR, STACK

NODE_LOCAL = RULES_DIR / "dns-egress-blocked" / "good-nodelocal" / "nodelocal-dns.yaml"
DNS_RULES = frozenset({"dns-egress-blocked", "dns-tcp-blocked"})


def _only_node_local() -> Cluster:
    """The stack with its kube-dns allows removed: DNS goes to NodeLocal DNSCache only."""
    cluster = read_inputs([str(BASE), str(STACK), str(NODE_LOCAL)]).cluster
    kept = tuple(p for p in cluster.policies if p.name != "allow-dns")
    return replace(cluster, policies=kept)


def test_node_local_address_found_in_the_policies_counts_as_dns() -> None:
    assert lint_cluster(_only_node_local(), options=LintOptions(rules=DNS_RULES)) == []


def test_given_node_local_address_is_required() -> None:
    other = LintOptions(rules=DNS_RULES, dns_ips=(ipaddress.ip_address("169.254.25.10"),))
    findings = lint_cluster(_only_node_local(), options=other)
    assert {f.obj for f in findings} == {
        f"NetworkPolicy/{ns}/deny-all" for ns in ("gateway", "ai-inference", "ai-agents", "ai-data")
    }
    assert all("NodeLocal DNSCache 169.254.25.10" in f.message for f in findings)


def test_without_node_local_the_kube_dns_pods_must_be_reachable() -> None:
    cluster = _only_node_local()
    without = replace(
        cluster, policies=tuple(p for p in cluster.policies if p.name != "allow-nodelocal-dns")
    )
    findings = lint_cluster(without, options=LintOptions(rules=DNS_RULES))
    assert {f.rule for f in findings} == {"dns-egress-blocked"}
    assert all("kube-system/coredns-0" in f.message for f in findings)
