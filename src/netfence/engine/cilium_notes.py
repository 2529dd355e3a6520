"""What the engine says about Cilium policies instead of deciding in silence: the ipBlock
reading it picked, the L7 rules it reads as L4 allows, the FQDN rules that allow nothing."""

from __future__ import annotations

from collections.abc import Sequence

from netfence.engine.cilium_externals import READING_NOTE
from netfence.engine.cilium_fqdn import covers
from netfence.engine.cilium_match import CiliumView
from netfence.engine.cilium_side import FQDN_WITHOUT_DNS
from netfence.engine.external import ExternalRange
from netfence.model import Cluster
from netfence.model.cilium import CiliumPolicy, CiliumRule


def _l7_note(policy: CiliumPolicy, rule: CiliumRule) -> str | None:
    kinds = [k for k in rule.l7 if k != "dns"]
    if not kinds:
        return None
    return (
        f"L7 rules not evaluated: {policy.short} {rule.label} ({', '.join(kinds)}) is read as "
        "an L4 allow of its ports"
    )


def cilium_notes(cluster: Cluster, externals: Sequence[ExternalRange]) -> tuple[str, ...]:
    if not cluster.cilium_policies:
        return ()
    view = CiliumView(cluster)
    notes = [READING_NOTE, *cluster.notes]
    domains = [x for x in externals if x.domain]
    for policy in cluster.cilium_policies:
        subjects = [e for e in cluster.endpoints if policy in view.selecting(e)]
        for rule in policy.rules("ingress") + policy.rules("egress"):
            note = _l7_note(policy, rule)
            if note is not None:
                notes.append(note)
            for peer in rule.peers:
                if peer.kind != "fqdns":
                    continue
                for subject in subjects:
                    blind = [
                        d.domain
                        for d in domains
                        if any(covers(p, d.domain) for p in peer.fqdns)
                        and not view.visible(subject, d.domain)
                    ]
                    if blind:
                        text = FQDN_WITHOUT_DNS.format(names=",".join(blind), subject=subject.id)
                        notes.append(f"{policy.short} {rule.label}: {text}")
    return tuple(dict.fromkeys(notes))
