"""What a blueprint tells the lint: roles, DNS, cluster CIDRs, and stand-in workloads."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from netfence.lint.roles import merge_roles
from netfence.load import Document
from netfence.model import IPAddress, IPNetwork
from netfence.model.types import WORKLOAD_KINDS

if TYPE_CHECKING:  # the blueprint modules load when a blueprint is read (start-up time)
    from netfence.blueprint import Blueprint


@dataclass(frozen=True)
class BlueprintFacts:
    """The lint settings a blueprint implies; explicit options and files override them."""

    roles: dict[str, str]
    dns_ips: tuple[IPAddress, ...]
    dns_labels: tuple[tuple[str, str], ...]
    pod_cidrs: tuple[IPNetwork, ...]
    service_cidrs: tuple[IPNetwork, ...]
    stand_ins: tuple[Document, ...]
    guardrails: tuple[str, ...] = ()


def blueprint_facts(bp: Blueprint, path: str) -> BlueprintFacts:
    """Facts from ``bp`` (read from ``path``); stand-in pods are positioned at its first line."""
    from netfence.blueprint import roles, synthesize
    from netfence.blueprint.documents import manifest_documents

    node_local = bp.dns.node_local
    stand_ins = tuple(manifest_documents(synthesize(bp), path, line=1))
    return BlueprintFacts(
        roles=merge_roles(roles(bp)),
        dns_ips=(node_local,) if node_local is not None else (),
        dns_labels=tuple(sorted(bp.dns.selector.items())),
        pod_cidrs=tuple(bp.cluster.pod_cidrs),
        service_cidrs=tuple(bp.cluster.service_cidrs),
        stand_ins=stand_ins,
        guardrails=asked_guardrails(bp),
    )


def asked_guardrails(bp: Blueprint) -> tuple[str, ...]:
    """The names (as the blueprint spells them) of the guardrails switched on."""
    if bp.guardrails is None:
        return ()
    data = bp.guardrails.model_dump(by_alias=True)
    return tuple(sorted(name for name, on in data.items() if on))


def with_stand_ins(documents: Sequence[Document], stand_ins: Sequence[Document]) -> list[Document]:
    """``documents`` plus ``stand_ins`` (a blueprint's workloads) when the input has none."""
    workloads = any(doc.kind in ("Pod", *WORKLOAD_KINDS) for doc in documents)
    if workloads or not stand_ins:
        return list(documents)
    declared = {doc.name for doc in documents if doc.kind == "Namespace"}
    extra = [d for d in stand_ins if d.kind != "Namespace" or d.name not in declared]
    return [*documents, *extra]
