"""Flows to named externals as CiliumNetworkPolicies (``plan --dialect cilium``).

One policy per workload, ``<workload>-egress-fqdn``: a ``toFQDNs`` rule per named external
with the flow's ports, and the DNS rule Cilium needs to learn the names' addresses: egress to
the cluster's DNS pods (and NodeLocal DNSCache) on 53/UDP and 53/TCP through Cilium's DNS
proxy (``rules.dns``, every name visible, so the pods' other lookups keep working). Cilium
isolates the workload's egress once this policy selects it; the union with the workload's
NetworkPolicies is what the proof checks.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from netfence.blueprint.intents import Intent, Names
from netfence.blueprint.items import Item
from netfence.blueprint.render import namespace_file
from netfence.blueprint.schema import Blueprint, PortRange
from netfence.vocabulary import BLUEPRINT_ANNOTATION, FLOWS_ANNOTATION, MANAGED_BY

API_VERSION = "cilium.io/v2"
NAMESPACE_KEY = "k8s:io.kubernetes.pod.namespace"
DNS_PORTS = [{"port": "53", "protocol": "UDP"}, {"port": "53", "protocol": "TCP"}]
SEE_EVERY_LOOKUP = {"dns": [{"matchPattern": "*"}]}


def _ports(ports: Sequence[PortRange]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for p in sorted(set(ports)):
        entry: dict[str, Any] = {"port": str(p.start), "protocol": p.protocol}
        if p.end != p.start:
            entry["endPort"] = p.end
        out.append(entry)
    return out


def _selector(name: str) -> dict[str, Any]:
    if "*" in name:
        return {"matchPattern": name}
    return {"matchName": name}


def _dns_rules(bp: Blueprint) -> list[dict[str, Any]]:
    servers = {
        NAMESPACE_KEY: bp.dns.namespace,
        **{f"k8s:{k}": v for k, v in bp.dns.selector.items()},
    }
    rules: list[dict[str, Any]] = [
        {
            "toEndpoints": [{"matchLabels": servers}],
            "toPorts": [{"ports": DNS_PORTS, "rules": SEE_EVERY_LOOKUP}],
        }
    ]
    if bp.dns.node_local is not None:
        prefix = 32 if bp.dns.node_local.version == 4 else 128
        rules.append(
            {
                "toCIDR": [f"{bp.dns.node_local}/{prefix}"],
                "toPorts": [{"ports": DNS_PORTS, "rules": SEE_EVERY_LOOKUP}],
            }
        )
    return rules


def fqdn_policy(bp: Blueprint, workload: str, intents: Sequence[Intent]) -> Item | None:
    """The workload's CiliumNetworkPolicy for its egress intents to named externals."""
    named = [i for i in intents if isinstance(i.target, Names)]
    if not named:
        return None
    spec = bp.workloads[workload]
    by_target: dict[Names, list[PortRange]] = {}
    for intent in named:
        assert isinstance(intent.target, Names)
        by_target.setdefault(intent.target, []).extend(intent.ports)
    egress = [
        {
            "toFQDNs": [_selector(n) for n in target.fqdns],
            "toPorts": [{"ports": _ports(ports)}],
        }
        for target, ports in sorted(by_target.items(), key=lambda item: item[0].name)
    ]
    ids = sorted({i.id for i in named})
    manifest = {
        "apiVersion": API_VERSION,
        "kind": "CiliumNetworkPolicy",
        "metadata": {
            "name": f"{workload}-egress-fqdn",
            "namespace": spec.namespace,
            "labels": dict(MANAGED_BY),
            "annotations": {
                BLUEPRINT_ANNOTATION: bp.metadata.name,
                FLOWS_ANNOTATION: ", ".join(ids),
            },
        },
        "spec": {
            "endpointSelector": {"matchLabels": dict(sorted(spec.selector.items()))},
            "egress": [*egress, *_dns_rules(bp)],
        },
    }
    why = [f"{workload} may connect by DNS name (Cilium toFQDNs) to:"]
    why += [f"  {i.id}: {i}" + (f" - {i.description}" if i.description else "") for i in named]
    why.append("The DNS rule lets Cilium's proxy see the lookups that teach it the addresses.")
    return Item(namespace_file(spec.namespace), manifest, tuple(why))
