"""What netfence reads in Calico policies but does not evaluate, said instead of dropped."""

from __future__ import annotations

from netfence.model import Cluster
from netfence.model.calico import CalicoPolicy, CalicoRule

PORT_PROTOCOLS = ("TCP", "UDP", "SCTP")


def _rule_notes(policy: CalicoPolicy, direction: str, rule: CalicoRule) -> list[str]:
    where = f"{policy.id} {direction} rule {rule.index + 1}"
    notes: list[str] = []
    protocol = rule.protocol
    if protocol is not None and protocol not in PORT_PROTOCOLS:
        notes.append(
            f"{where}: protocol {protocol} is not evaluated (only TCP, UDP and SCTP "
            "connections are); the rule never matches those"
        )
    if rule.has_icmp:
        notes.append(f"{where}: ICMP type/code matches are not evaluated")
    if rule.has_http:
        notes.append(f"{where}: HTTP matches are not evaluated (the rule counts as matching)")
    if rule.source.ports or rule.source.not_ports:
        notes.append(
            f"{where}: source ports are not evaluated (source ports are ephemeral): "
            "source.ports never match, source.notPorts never exclude"
        )
    if rule.source.services or rule.destination.services:
        notes.append(f"{where}: services matches are not evaluated (the rule never matches)")
    return notes


def calico_notes(cluster: Cluster) -> tuple[str, ...]:
    """One line per Calico feature read but not evaluated, and per undeclared tier."""
    notes: list[str] = []
    for tier in cluster.calico.tiers:
        if not tier.declared:
            notes.append(
                f"tier {tier.name} is named by policies but not in the input: netfence "
                "orders it last (as a Tier without order) with defaultAction Deny"
            )
    for policy in cluster.calico.policies:
        if policy.host_only:
            flags = ", ".join(policy.host_only)
            notes.append(
                f"{policy.id}: {flags} apply to host endpoints, which are not evaluated"
                + (
                    "; the policy applies to no pod"
                    if {"doNotTrack", "preDNAT"} & set(policy.host_only)
                    else ""
                )
            )
        for direction in ("ingress", "egress"):
            for rule in policy.ingress if direction == "ingress" else policy.egress:
                notes += _rule_notes(policy, direction, rule)
    return tuple(notes)
