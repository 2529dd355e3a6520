"""The lint's view of the cluster before any rule runs: system namespaces, an assumed kube-dns
when the input has none, and an engine whose externals respect the boundaries rules read."""

from __future__ import annotations

from dataclasses import replace

from netfence.engine import Engine
from netfence.lint.addresses import NON_PUBLIC, host_network
from netfence.lint.options import LintOptions
from netfence.model import (
    CLOUD_METADATA_IPS,
    NAMESPACE_NAME_LABEL,
    Cluster,
    ContainerPort,
    Endpoint,
    IPNetwork,
    Namespace,
)
from netfence.model.types import freeze_labels

SYSTEM_NAMESPACE_PREFIX = "kube-"
DNS_NAMESPACE = "kube-system"
ASSUMED_DNS_NAME = "kube-dns-assumed"


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
    return replace(cluster, namespaces=namespaces, endpoints=(*cluster.endpoints, dns))


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
