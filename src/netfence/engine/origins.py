"""Names people recognise for external ranges: the policy ipBlock that made each one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from netfence.engine.external import ExternalRange, block_set
from netfence.engine.intervals import IPSet
from netfence.model import Cluster, IPBlock, NetworkPolicy

REST = "no ipBlock"


def block_text(block: IPBlock) -> str:
    """``10.0.0.0/8`` or ``0.0.0.0/0 except 10 ranges``, as the manifest wrote the cidr."""
    count = len(block.excepts)
    if not count:
        return block.cidr_text
    holes = str(block.excepts[0]) if count == 1 else f"{count} ranges"
    return f"{block.cidr_text} except {holes}"


def _size(addresses: IPSet) -> int:
    return addresses.v4.size() + addresses.v6.size()


def _blocks(cluster: Cluster) -> list[tuple[NetworkPolicy, IPBlock]]:
    return [
        (policy, peer.ip_block)
        for policy, _, _, rule in cluster.rules()
        for peer in rule.peers
        if peer.ip_block is not None
    ]


def with_origins(externals: Sequence[ExternalRange], cluster: Cluster) -> tuple[ExternalRange, ...]:
    """Each range named after the narrowest ipBlock that holds it (``agent-egress:
    0.0.0.0/0 except 10 ranges``; several policies with the same block are listed), or
    ``no ipBlock`` for addresses no policy names."""
    blocks = [(policy, block, block_set(block)) for policy, block in _blocks(cluster)]
    named = []
    for external in externals:
        holding = [(p, b, s) for p, b, s in blocks if external.representative in s]
        if not holding:
            named.append(replace(external, origin=f"IPv{external.version} in {REST}"))
            continue
        size = min(_size(s) for _, _, s in holding)
        narrowest = [(p, b) for p, b, s in holding if _size(s) == size]
        policies = sorted({p.name for p, _ in narrowest})
        shown = ", ".join(policies[:2]) + (f" +{len(policies) - 2}" if len(policies) > 2 else "")
        named.append(replace(external, origin=f"{shown}: {block_text(narrowest[0][1])}"))
    return tuple(named)
