"""``preflight``: will NetworkPolicies work on this cluster, and may netfence manage them?"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from kubernetes import client

from netfence.cluster import access, cidrs, cilium
from netfence.cluster.calico import served_api
from netfence.cluster.cni import CniFound, DaemonSetInfo, detect
from netfence.cluster.connect import Connection
from netfence.cluster.errors import ApiStatusError
from netfence.cluster.listing import list_all
from netfence.cluster.tiers import GROUP, served_kinds
from netfence.load.cilium_kinds import CILIUM_GROUP

Status = Literal["pass", "warn", "fail"]
NODE_LOCAL_DNS_MARKERS = ("node-local-dns", "k8s-dns-node-cache", "nodelocaldns")
ENFORCING = "Calico, Cilium, Antrea, kube-router, Weave Net, OVN-Kubernetes, kube-network-policies"


@dataclass(frozen=True)
class Check:
    """One row of the preflight table."""

    name: str
    status: Status
    detail: str
    fix: str = ""


@dataclass
class ClusterFacts:
    """What preflight read from the cluster (pure data, so checks are testable offline)."""

    networkpolicy_served: bool
    daemonsets: list[DaemonSetInfo] = field(default_factory=list)
    cidrs: cidrs.CidrFacts = field(default_factory=cidrs.CidrFacts)
    missing: list[access.Permission] = field(default_factory=list)
    tier_kinds: dict[str, str] = field(default_factory=dict)
    calico: tuple[str, tuple[str, ...]] | None = None
    """Policy-tier kind (network-policy-api CRD) -> the version serving it."""
    cilium_kinds: dict[str, str] = field(default_factory=dict)
    """Cilium kind -> the cilium.io version serving it."""
    cilium_config: dict[str, Any] | None = None
    """kube-system's cilium-config ConfigMap (None: missing or not readable)."""


def gather(connection: Connection) -> ClusterFacts:
    """Read discovery, DaemonSets, CIDR sources and access reviews."""
    facts = ClusterFacts(networkpolicy_served=networkpolicy_served(connection))
    facts.daemonsets = [DaemonSetInfo.from_manifest(d) for d in _daemonsets(connection)]
    cidrs.from_nodes(facts.cidrs, _optional(connection, "Node", None))
    cidrs.from_config_maps(facts.cidrs, _optional(connection, "ConfigMap", "kube-system"))
    cidrs.from_control_plane_pods(facts.cidrs, _optional(connection, "Pod", "kube-system"))
    facts.missing = access.missing(connection)
    facts.tier_kinds = served_kinds(connection)
    facts.calico = served_api(connection)
    facts.cilium_kinds = cilium.served_kinds(connection)
    facts.cilium_config = cilium.read_config(connection)
    return facts


def networkpolicy_served(connection: Connection) -> bool:
    """Whether discovery lists ``networkpolicies`` in ``networking.k8s.io/v1``."""
    api = client.NetworkingV1Api(connection.api)
    try:
        resources = connection.call(api.get_api_resources)
    except ApiStatusError as exc:
        if exc.status == 404:
            return False
        raise
    return any(r.get("name") == "networkpolicies" for r in resources.get("resources") or [])


def _daemonsets(connection: Connection) -> list[dict[str, Any]]:
    """DaemonSets of every namespace, or of kube-system when only that may be read."""
    try:
        return list_all(connection, "DaemonSet")
    except ApiStatusError as exc:
        if exc.status != 403:
            raise
        return list_all(connection, "DaemonSet", "kube-system")


def _optional(connection: Connection, kind: str, namespace: str | None) -> list[dict[str, Any]]:
    """A list that only refines the answer: forbidden or missing means nothing found."""
    try:
        return list_all(connection, kind, namespace)
    except ApiStatusError as exc:
        if exc.status in (403, 404):
            return []
        raise


def evaluate(facts: ClusterFacts) -> list[Check]:
    """The preflight table: pass/warn/fail with a fix for every problem."""
    return [
        _api_check(facts),
        _cni_check(detect(facts.daemonsets)),
        _node_local_dns_check(facts.daemonsets),
        _cidr_check(facts.cidrs),
        *_access_checks(facts.missing),
        _tiers_check(facts.tier_kinds),
        _calico_check(facts.calico),
        *_cilium_checks(facts),
    ]


def _cilium_checks(facts: ClusterFacts) -> list[Check]:
    """Cilium's policy API and its DNS proxy, when Cilium runs: its agent DaemonSet, its
    CRDs or its ``cilium-config``."""
    agents = [c.daemonset for c in detect(facts.daemonsets) if c.name == "Cilium"]
    if not (agents or facts.cilium_kinds or facts.cilium_config is not None):
        return [
            Check(
                "Cilium",
                "pass",
                "not detected (no cilium agent DaemonSet, cilium.io CRDs or cilium-config): "
                "no Cilium policies to read",
            )
        ]
    where = ", ".join(agents) or "no agent DaemonSet found"
    missing = [kind for kind in cilium.RESOURCES if kind not in facts.cilium_kinds]
    if missing:
        api = Check(
            "Cilium policy API",
            "warn",
            f"Cilium detected ({where}) but cilium.io does not serve {', '.join(missing)}: "
            "such objects cannot be read or applied",
            "install Cilium's CRDs (the agent and operator create them on start)",
        )
    else:
        served = ", ".join(f"{k} ({CILIUM_GROUP}/{v})" for k, v in facts.cilium_kinds.items())
        api = Check("Cilium policy API", "pass", f"Cilium ({where}); served: {served}")
    proxy = cilium.dns_proxy(facts.cilium_config)
    if proxy.enabled:
        dns = Check("Cilium DNS proxy", "pass", f"on ({proxy.why}): toFQDNs rules are enforced")
    else:
        dns = Check(
            "Cilium DNS proxy",
            "warn",
            f"off ({proxy.why}): toFQDNs rules allow nothing, since no DNS answer is seen",
            f'set {cilium.L7_PROXY_KEY}: "true" in {cilium.CONFIG_NAMESPACE}/'
            f"{cilium.CONFIG_NAME} (Helm: l7Proxy=true) and restart the agents",
        )
    return [api, dns]


def _calico_check(served: tuple[str, tuple[str, ...]] | None) -> Check:
    """Whether Calico's policy kinds are served (its API server, or only its CRDs)."""
    if served is None:
        return Check(
            "Calico policy API",
            "pass",
            "projectcalico.org and crd.projectcalico.org are not served: no Calico policies "
            "to read (only Kubernetes and SIG Network policies decide)",
        )
    api_version, kinds = served
    detail = f"{api_version} serves {', '.join(kinds)}: snapshots read them"
    if api_version.startswith("crd."):
        return Check(
            "Calico policy API",
            "warn",
            detail + " (Calico's API server is not installed: its validation is not applied)",
            "install the Calico API server to apply projectcalico.org/v3 objects",
        )
    return Check("Calico policy API", "pass", detail)


def _tiers_check(served: dict[str, str]) -> Check:
    """Whether AdminNetworkPolicy / BaselineAdminNetworkPolicy / ClusterNetworkPolicy exist."""
    if served:
        listed = ", ".join(f"{kind} ({GROUP}/{v})" for kind, v in sorted(served.items()))
        return Check("Policy tiers API", "pass", f"served: {listed}")
    return Check(
        "Policy tiers API",
        "warn",
        f"{GROUP} is not served: AdminNetworkPolicy, BaselineAdminNetworkPolicy and "
        "ClusterNetworkPolicy objects cannot be applied",
        "only needed for cluster-wide guardrails: install the CRDs of "
        "sigs.k8s.io/network-policy-api and a CNI that implements them",
    )


def _api_check(facts: ClusterFacts) -> Check:
    if facts.networkpolicy_served:
        return Check("NetworkPolicy API", "pass", "networking.k8s.io/v1 networkpolicies served")
    return Check(
        "NetworkPolicy API",
        "fail",
        "discovery does not list networkpolicies in networking.k8s.io/v1",
        "use a Kubernetes release that serves networking.k8s.io/v1 (1.7 or later)",
    )


def _cni_check(found: list[CniFound]) -> Check:
    described = ", ".join(
        f"{c.name} ({c.daemonset}{'; ' + c.note if c.note else ''})" for c in found
    )
    if any(c.enforces == "yes" for c in found):
        enforcing = sorted({c.name for c in found if c.enforces == "yes"})
        return Check("CNI enforces policy", "pass", f"{', '.join(enforcing)}: {described}")
    install = f"install a CNI that enforces NetworkPolicy ({ENFORCING})"
    if any(c.enforces == "unknown" for c in found):
        return Check(
            "CNI enforces policy",
            "warn",
            f"cannot tell whether it enforces: {described}",
            f"check the plugin's release notes, or {install}",
        )
    if found:
        return Check(
            "CNI enforces policy",
            "fail",
            f"policies would have no effect: {described} does not enforce NetworkPolicy",
            f"{install}; with Flannel, add Calico for policy (Canal)",
        )
    return Check(
        "CNI enforces policy",
        "fail",
        "no known network plugin DaemonSet found",
        install,
    )


def _node_local_dns_check(daemonsets: list[DaemonSetInfo]) -> Check:
    for ds in daemonsets:
        if any(marker in ds.text for marker in NODE_LOCAL_DNS_MARKERS):
            return Check(
                "NodeLocal DNSCache",
                "warn",
                f"{ds.namespace}/{ds.name} answers DNS on a node-local address",
                "allow-dns policies must also admit egress to the cache's address "
                "(usually ipBlock 169.254.20.10/32, UDP and TCP 53)",
            )
    return Check("NodeLocal DNSCache", "pass", "not running; DNS goes to the kube-dns pods")


def _cidr_check(facts: cidrs.CidrFacts) -> Check:
    parts = []
    if facts.pod:
        parts.append("pods " + ", ".join(sorted(facts.pod)))
    if facts.service:
        parts.append("services " + ", ".join(sorted(facts.service)))
    if facts.pod and facts.service:
        return Check("Pod/service CIDRs", "pass", "; ".join(parts))
    unknown = [k for k, v in (("pod", facts.pod), ("service", facts.service)) if not v]
    detail = "; ".join(parts) + "; " if parts else ""
    return Check(
        "Pod/service CIDRs",
        "warn",
        f"{detail}{' and '.join(unknown)} CIDR not discoverable",
        "look the ranges up in your provider's console; ipBlock rules must not "
        "overlap them unintentionally",
    )


def _access_checks(missing: list[access.Permission]) -> list[Check]:
    checks = []
    severity: dict[access.Purpose, Status] = {"read": "fail", "apply": "fail", "probe": "warn"}
    what = {
        "read": "read the cluster (snapshot, verify, --cluster)",
        "apply": "apply labels and policies",
        "probe": "run live probes",
    }
    purposes: tuple[access.Purpose, ...] = ("read", "apply", "probe")
    for purpose in purposes:
        lacking = [p for p in missing if p.purpose == purpose]
        name = f"RBAC: {purpose}"
        if not lacking:
            checks.append(Check(name, "pass", f"allowed to {what[purpose]}"))
            continue
        checks.append(
            Check(
                name,
                severity[purpose],
                f"cannot {'; '.join(str(p) for p in lacking)}",
                f"grant a (Cluster)Role with these verbs to {what[purpose]}",
            )
        )
    return checks
