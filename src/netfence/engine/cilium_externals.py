"""What Cilium's policies add to the externals and to the engine's reading of the input.

Their CIDRs (with ``except``) split the external partition like ipBlocks do; every DNS name
or pattern a ``toFQDNs`` names is an ``fqdn:`` node. Cilium never lets a CIDR (an ipBlock of
a Kubernetes NetworkPolicy included) select a pod, so with Cilium policies in the input the
engine reads ipBlocks that way, and says so.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from netfence.model import Cluster, IPBlock

if TYPE_CHECKING:
    from netfence.engine.options import EngineOptions

READING_NOTE = (
    "Cilium policies are present: ipBlocks and CIDRs are read as not matching pods, as "
    "Cilium does (--ipblock-pods ignore)"
)


def cilium_blocks(cluster: Cluster) -> list[IPBlock]:
    return [
        block
        for policy in cluster.cilium_policies
        for rule in (*policy.ingress, *policy.egress)
        for peer in rule.peers
        for block in peer.cidrs
    ]


def cilium_domains(cluster: Cluster) -> set[str]:
    return {
        name
        for policy in cluster.cilium_policies
        for rule in policy.egress
        for peer in rule.peers
        for name in peer.fqdns
    }


def cilium_options(cluster: Cluster, options: EngineOptions) -> EngineOptions:
    """``options`` with Cilium's ipBlock reading when Cilium policies are in the input."""
    if cluster.cilium_policies and options.ipblock_pods != "ignore":
        return replace(options, ipblock_pods="ignore")
    return options
