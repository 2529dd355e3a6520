"""ipblock-overlaps-cluster: ipBlocks over pod or service CIDRs or known pod IPs."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from netfence.engine import IPSet
from netfence.engine.external import block_set
from netfence.lint.catalogue import found, rule_info
from netfence.lint.context import LintContext
from netfence.lint.finding import Finding
from netfence.lint.wording import PEERS_KEY, policy_obj
from netfence.model import IPAddress, IPBlock, IPNetwork

READING = {
    "match": "this analysis lets ipBlocks match pod IPs, as Calico, Antrea and kube-router do",
    "ignore": "this analysis ignores ipBlocks for pod IPs, as Cilium does",
}


def _cidr_overlaps(
    covered: IPSet, cidrs: tuple[IPNetwork, ...], what: str, assumed: bool
) -> list[str]:
    hits = [c for c in cidrs if not (covered & IPSet.of([c])).is_empty]
    suffix = f" (assumed: pass --{what.split()[0]}-cidr)" if assumed else ""
    return [f"the {what} {c}{suffix}" for c in hits]


def overlaps(ctx: LintContext, block: IPBlock) -> list[str]:
    """What of the cluster ``block`` covers, in words."""
    covered = block_set(block)
    options = ctx.options
    overlapping = _cidr_overlaps(
        covered, options.effective_pod_cidrs, "pod CIDR", not options.pod_cidrs
    )
    overlapping += _cidr_overlaps(
        covered, options.effective_service_cidrs, "service CIDR", not options.service_cidrs
    )
    inside = ctx.addresses.membership((block,))[:, 0] & ctx.subject_mask
    endpoints = ctx.cluster.endpoints
    chosen = np.flatnonzero(inside)
    single = ctx.ip_counts[chosen] == 1  # its one IP is the one inside

    def hits(i: int) -> list[IPAddress]:
        return [ip for ip in endpoints[i].ips if block.contains(ip)]

    count = int(single.sum()) + sum(len(hits(i)) for i in chosen[~single].tolist())
    pods = [f"{endpoints[i].id} ({ip})" for i in chosen[:3].tolist() for ip in hits(i)]
    if count:
        shown = ", ".join(pods[:3]) + (f" and {count - 3} more" if count > 3 else "")
        overlapping.append(f"{count} known pod IP(s): {shown}")
    return overlapping


def check_overlap(ctx: LintContext) -> Iterator[Finding]:
    """Every ipBlock peer that overlaps the cluster's own addresses."""
    info = rule_info("ipblock-overlaps-cluster")
    for policy, direction, r, rule in ctx.cluster.rules():
        for p, peer in enumerate(rule.peers):
            if peer.ip_block is None:
                continue
            overlapping = overlaps(ctx, peer.ip_block)
            if not overlapping:
                continue
            path = ("spec", direction, r, PEERS_KEY[direction], p, "ipBlock")
            yield found(
                info.id,
                message=f"{direction}[{r}] peer[{p}]: ipBlock {peer.ip_block} overlaps "
                f"{'; '.join(overlapping)}; whether ipBlock applies to pod traffic depends on "
                f"the CNI ({READING[ctx.options.ipblock_pods]})",
                obj=policy_obj(policy),
                source=ctx.field_source(policy.source, path),
            )
