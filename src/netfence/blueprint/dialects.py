"""Which policy dialect a plan writes, and the blueprint as that dialect reads it.

``kubernetes``: NetworkPolicies (and the guardrails as ``--tiers`` says); an external reached by
its CIDRs, so one with ``fqdns`` and no ``cidrs`` cannot be a flow's end. ``calico``: the same
NetworkPolicies, the guardrails as Calico tiers. ``cilium``: flows to an external with ``fqdns``
become CiliumNetworkPolicy ``toFQDNs`` rules (its CIDRs are the kubernetes fallback, unused);
DNS names are destinations only, as ``toFQDNs`` is egress only.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from netfence.blueprint.checks import Issue
from netfence.blueprint.schema import Blueprint

Dialect = Literal["kubernetes", "calico", "cilium"]
DIALECTS: tuple[Dialect, ...] = ("kubernetes", "calico", "cilium")


def for_dialect(bp: Blueprint, dialect: Dialect) -> Blueprint:
    """``bp`` as ``dialect`` reaches its externals: with cilium, named externals by name."""
    if dialect != "cilium":
        return bp
    externals = {
        name: ext.model_copy(update={"cidrs": [], "excepts": []}) if ext.fqdns else ext
        for name, ext in bp.externals.items()
    }
    return bp.model_copy(update={"externals": externals})


def dialect_issues(bp: Blueprint, dialect: Dialect) -> Iterator[Issue]:
    """Flows ``dialect`` cannot write: named externals without CIDRs outside cilium, and named
    externals as a flow's source."""
    for index, flow in enumerate(bp.flows):
        source = bp.externals.get(flow.source)
        if source is not None and source.fqdns and (dialect == "cilium" or not source.cidrs):
            fix = "a separate external with cidrs" if source.cidrs else "cidrs"
            yield Issue(
                ("flows", index, "from"),
                f"external {flow.source!r} is reached by DNS name, which only works as a "
                f"destination (toFQDNs is egress only): use {fix} for traffic from it",
            )
        target = bp.externals.get(flow.target)
        if target is not None and not target.cidrs and dialect != "cilium":
            yield Issue(
                ("flows", index, "to"),
                f"external {flow.target!r} has only fqdns: Kubernetes NetworkPolicy has no "
                "DNS names; use --dialect cilium, or give the external cidrs as a fallback",
            )


def unused_names(bp: Blueprint, dialect: Dialect) -> list[str]:
    """Notes for externals whose names this dialect does not write (it uses their CIDRs)."""
    if dialect == "cilium":
        return []
    return [
        f"external {name} is reached by its CIDRs; its names ({', '.join(ext.fqdns)}) need "
        "--dialect cilium"
        for name, ext in sorted(bp.externals.items())
        if ext.fqdns and ext.cidrs
    ]
