"""Stand-in pods for a blueprint's workloads, so the proof can run without a cluster."""

from __future__ import annotations

from typing import Any

from netfence.blueprint.schema import Blueprint, PortRange
from netfence.model import IPAddress, IPNetwork

OUTSIDER_NAMESPACES = ("default", "netfence-outsider")
OUTSIDER_POD = "test-pod"
DNS_POD = "kube-dns"
# Offsets of synthetic pod addresses inside the first pod CIDR of each IP version.
FIRST_HOST = 10


def outsider_namespace(bp: Blueprint) -> str:
    """Where the stranger pod lives: ``default`` (the guide's test-pod) unless it is managed."""
    return next(n for n in OUTSIDER_NAMESPACES if n not in bp.namespaces)


def helper_ids(bp: Blueprint) -> frozenset[str]:
    """The stand-ins that are no workload of the blueprint: its DNS server and the stranger."""
    return frozenset({f"{bp.dns.namespace}/{DNS_POD}", f"{outsider_namespace(bp)}/{OUTSIDER_POD}"})


def _namespace(name: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}


def _container_ports(ports: list[PortRange]) -> list[dict[str, Any]]:
    numbers = sorted({(p.protocol, n) for p in ports for n in {p.start, p.end}})
    return [{"containerPort": n, "protocol": protocol} for protocol, n in numbers]


def _addresses(bp: Blueprint, index: int) -> list[IPAddress]:
    """One address per IP version from the first pod CIDRs (none without pod CIDRs)."""
    out: list[IPAddress] = []
    for version in (4, 6):
        nets: list[IPNetwork] = [c for c in bp.cluster.pod_cidrs if c.version == version]
        if nets and nets[0].num_addresses > FIRST_HOST + index + 1:
            out.append(nets[0][FIRST_HOST + index])
    return out


def _pod(
    bp: Blueprint, index: int, namespace: str, name: str, labels: dict[str, str], ports: list[Any]
) -> dict[str, Any]:
    metadata: dict[str, Any] = {"name": name, "namespace": namespace}
    if labels:
        metadata["labels"] = dict(sorted(labels.items()))
    container: dict[str, Any] = {"name": "main", "image": "registry.invalid/netfence-stand-in"}
    if ports:
        container["ports"] = ports
    pod: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": metadata,
        "spec": {"containers": [container]},
    }
    ips = _addresses(bp, index)
    if ips:
        pod["status"] = {"podIP": str(ips[0]), "podIPs": [{"ip": str(ip)} for ip in ips]}
    return pod


def synthesize(bp: Blueprint) -> list[dict[str, Any]]:
    """Namespaces netfence does not isolate (DNS, the outsider's, the blueprint's
    ``isolate: false`` ones) and one Pod per workload,
    plus the DNS server and a stranger ``test-pod`` like the guide's (step 8).

    The blueprint's own Namespace manifests come from :func:`generate`, not from here.
    """
    outsider = outsider_namespace(bp)
    unisolated = {n for n in bp.namespaces if n not in bp.isolated}
    docs = [_namespace(n) for n in sorted({bp.dns.namespace, outsider, *unisolated})]
    pods = [
        (w.namespace, name, dict(w.selector), _container_ports(w.ports))
        for name, w in sorted(bp.workloads.items())
    ]
    dns_ports = [{"containerPort": 53, "protocol": p} for p in ("UDP", "TCP")]
    pods.append((bp.dns.namespace, DNS_POD, dict(bp.dns.selector), dns_ports))
    pods.append((outsider, OUTSIDER_POD, {"run": OUTSIDER_POD}, []))
    docs += [_pod(bp, index, *pod) for index, pod in enumerate(pods)]
    return docs
