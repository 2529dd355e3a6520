"""Cilium semantics on small inputs: label forms, entities, deny precedence, default deny,
FQDN destinations and DNS visibility, the union with Kubernetes NetworkPolicies."""

from __future__ import annotations

from netfence.engine import Engine
from netfence.engine.analysis import analyze
from netfence.engine.cilium_fqdn import covers
from tests.cilium.helpers import base_with, cluster_of

PODS = """
apiVersion: v1
kind: Namespace
metadata: {name: a, labels: {team: red}}
---
apiVersion: v1
kind: Namespace
metadata: {name: b, labels: {team: blue}}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: a, labels: {app: web}}
spec: {containers: [{name: c, image: x, ports: [{containerPort: 80}]}]}
status: {podIP: 10.1.0.1}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: b, labels: {app: web}}
spec: {containers: [{name: c, image: x, ports: [{containerPort: 80}]}]}
status: {podIP: 10.1.0.2}
---
apiVersion: v1
kind: Pod
metadata: {name: cli, namespace: a, labels: {app: cli}}
spec: {serviceAccountName: robot, containers: [{name: c, image: x}]}
status: {podIP: 10.1.0.3}
---
apiVersion: v1
kind: Pod
metadata: {name: cli, namespace: b, labels: {app: cli}}
spec: {containers: [{name: c, image: x}]}
status: {podIP: 10.1.0.4}
"""


def _ingress(selector: str, kind: str = "CiliumNetworkPolicy") -> str:
    namespace = "namespace: a, " if kind == "CiliumNetworkPolicy" else ""
    return f"""
apiVersion: cilium.io/v2
kind: {kind}
metadata: {{{namespace}name: p}}
spec:
  endpointSelector: {{matchLabels: {{app: web}}}}
  ingress:
  - fromEndpoints: [{selector}]
"""


def _reach(engine: Engine, src: str, dst: str, port: int = 80) -> bool:
    return engine.verdict(src, dst, port, "TCP").allowed


def test_a_namespaced_policy_selects_and_matches_in_its_namespace_unless_told() -> None:
    engine = Engine(cluster_of(PODS, _ingress("{matchLabels: {app: cli}}")))
    assert _reach(engine, "a/cli", "a/web")
    assert not _reach(engine, "b/cli", "a/web")
    assert _reach(engine, "b/cli", "b/web")  # the subject is a's web only
    named = Engine(
        cluster_of(PODS, _ingress("{matchLabels: {k8s:io.kubernetes.pod.namespace: b}}"))
    )
    assert _reach(named, "b/cli", "a/web") and not _reach(named, "a/cli", "a/web")


def test_namespace_labels_service_accounts_and_the_k8s_prefix() -> None:
    by_labels = _ingress("{matchLabels: {io.cilium.k8s.namespace.labels.team: blue}}")
    engine = Engine(cluster_of(PODS, by_labels))
    assert _reach(engine, "b/cli", "a/web") and not _reach(engine, "a/cli", "a/web")
    by_account = _ingress("{matchLabels: {k8s:io.cilium.k8s.policy.serviceaccount: robot}}")
    engine = Engine(cluster_of(PODS, by_account))
    assert _reach(engine, "a/cli", "a/web") and not _reach(engine, "b/cli", "a/web")
    prefixed = _ingress("{matchLabels: {k8s:app: cli}}")
    assert _reach(Engine(cluster_of(PODS, prefixed)), "a/cli", "a/web")


def test_a_clusterwide_policy_spans_namespaces() -> None:
    engine = Engine(
        cluster_of(PODS, _ingress("{matchLabels: {app: cli}}", "CiliumClusterwideNetworkPolicy"))
    )
    assert _reach(engine, "b/cli", "a/web") and _reach(engine, "a/cli", "b/web")
    assert not _reach(engine, "a/web", "b/web")


def test_the_cluster_label_reads_cilium_config() -> None:
    policy = _ingress("{matchLabels: {io.cilium.k8s.policy.cluster: east, app: cli}}")
    config = """
apiVersion: v1
kind: ConfigMap
metadata: {name: cilium-config, namespace: kube-system}
data: {cluster-name: east}
"""
    assert not _reach(Engine(cluster_of(PODS, policy)), "a/cli", "a/web")  # cluster "default"
    assert _reach(Engine(cluster_of(PODS, policy, config)), "a/cli", "a/web")


def test_deny_wins_over_allow_per_port_as_the_deny_table_says() -> None:
    policy = """
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: server, namespace: a}
spec:
  endpointSelector: {matchLabels: {app: web}}
  ingress:
  - fromEndpoints: [{matchLabels: {app: cli}}]
  ingressDeny:
  - fromEndpoints: [{matchLabels: {app: cli}}]
    toPorts: [{ports: [{port: "80", protocol: TCP}]}]
"""
    engine = Engine(cluster_of(PODS, policy))
    assert not _reach(engine, "a/cli", "a/web", 80)
    assert _reach(engine, "a/cli", "a/web", 81)
    verdict = engine.verdict("a/cli", "a/web", 80, "TCP")
    assert verdict.ingress.decided_by is not None
    assert verdict.ingress.decided_by.action == "Deny"
    assert verdict.ingress.decided_by.policy == "CiliumNetworkPolicy/a/server"


def test_deny_rules_alone_put_the_endpoint_in_default_deny_unless_disabled() -> None:
    deny = """
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: d, namespace: a}
spec:
  endpointSelector: {matchLabels: {app: web}}
  {extra}
  ingressDeny:
  - fromEndpoints: [{matchLabels: {app: nothing}}]
"""
    strict = Engine(cluster_of(PODS, deny.replace("{extra}", "")))
    assert not _reach(strict, "a/cli", "a/web")
    relaxed = Engine(
        cluster_of(PODS, deny.replace("{extra}", "enableDefaultDeny: {ingress: false}"))
    )
    assert _reach(relaxed, "a/cli", "a/web")


def test_remote_nodes_world_and_families() -> None:
    cluster = base_with(
        """
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: to-nodes, namespace: cilium-test}
spec:
  endpointSelector: {matchLabels: {name: client}}
  egress:
  - toEntities: [remote-node, world-ipv6]
"""
    )
    engine = Engine(cluster)
    assert _reach(engine, "cilium-test/client", "cilium-test/host-netns-2", 4000)
    assert not _reach(engine, "cilium-test/client", "cilium-test/host-netns-1", 4000)
    assert _reach(engine, "cilium-test/client", "2001:db8::1", 443)
    assert not _reach(engine, "cilium-test/client", "192.0.2.1", 443)


def test_fqdn_patterns_cover_names_and_narrower_patterns() -> None:
    assert covers("*.cilium.io", "docs.cilium.io")
    assert not covers("*.cilium.io", "cilium.io") and not covers("*.cilium.io", "a.b.cilium.io")
    assert covers("**.cilium.io", "a.b.cilium.io") and covers("**.cilium.io", "*.cilium.io")
    assert not covers("*.cilium.io", "**.cilium.io")
    assert covers("sub*.cilium.io", "subdomain.cilium.io") and covers("*", "**.x.com")
    assert covers("api.openai.com", "api.openai.com") and not covers("api.openai.com", "*")


FQDN = """
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: tools, namespace: a}
spec:
  endpointSelector: {matchLabels: {app: cli}}
  egress:
  - toFQDNs: [{matchName: api.openai.com}, {matchPattern: "*.githubusercontent.com"}]
    toPorts: [{ports: [{port: "443", protocol: TCP}]}]
  - toEndpoints: [{matchLabels: {io.kubernetes.pod.namespace: a}}]
    toPorts:
    - ports: [{port: "53", protocol: UDP}]
      rules: {dns: [{matchPattern: "*.openai.com"}]}
"""


def test_fqdn_nodes_need_a_dns_rule_and_the_engine_says_so() -> None:
    engine = Engine(cluster_of(PODS, FQDN))
    ids = [x.id for x in engine.externals]
    assert "fqdn:api.openai.com" in ids and "fqdn:*.githubusercontent.com" in ids
    assert _reach(engine, "a/cli", "fqdn:api.openai.com", 443)
    assert not _reach(engine, "a/cli", "fqdn:api.openai.com", 80)
    blind = engine.verdict("a/cli", "fqdn:*.githubusercontent.com", 443, "TCP")
    assert not blind.allowed
    assert any(
        "Cilium's DNS proxy never sees the lookup" in m.why for m in blind.egress.near_misses
    )
    notes = analyze(engine, [(443, "TCP")]).notes
    assert any("*.githubusercontent.com allows nothing for a/cli" in n for n in notes)
    assert not any("api.openai.com allows nothing" in n for n in notes)


def test_a_kubernetes_policy_and_a_cilium_policy_add_up_and_ipblocks_skip_pods() -> None:
    knp = """
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: a}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
  - from: [{ipBlock: {cidr: 10.0.0.0/8}}]
"""
    alone = Engine(cluster_of(PODS, knp))
    assert alone.options.ipblock_pods == "match" and _reach(alone, "b/cli", "a/web")
    both = Engine(cluster_of(PODS, knp, _ingress("{matchLabels: {app: cli}}")))
    assert both.options.ipblock_pods == "ignore"
    assert _reach(both, "a/cli", "a/web") and not _reach(both, "b/cli", "a/web")
    assert _reach(both, "10.200.0.9", "a/web")
    assert any(
        "ipBlocks and CIDRs are read as not matching pods" in n
        for n in analyze(both, [(80, "TCP")]).notes
    )


def test_l7_rules_are_l4_allows_and_said() -> None:
    policy = """
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: l7, namespace: a}
spec:
  endpointSelector: {matchLabels: {app: web}}
  ingress:
  - fromEndpoints: [{matchLabels: {app: cli}}]
    toPorts:
    - ports: [{port: "80", protocol: TCP}]
      rules: {http: [{method: GET, path: /}]}
"""
    engine = Engine(cluster_of(PODS, policy))
    assert _reach(engine, "a/cli", "a/web", 80) and not _reach(engine, "a/cli", "a/web", 81)
    notes = analyze(engine, [(80, "TCP")]).notes
    assert any(n.startswith("L7 rules not evaluated: CNP a/l7 ingress[0] (http)") for n in notes)
