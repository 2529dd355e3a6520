"""Blueprint -> Namespace and NetworkPolicy manifests (pure: no I/O, deterministic)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from netfence.blueprint.calico_guardrails import calico_manifests
from netfence.blueprint.cilium_policies import fqdn_policy
from netfence.blueprint.dialects import Dialect, for_dialect
from netfence.blueprint.guardrails import TierDialect, guardrails, manifest
from netfence.blueprint.intents import Addresses, End, Intent, Names, Pods, expected_flows
from netfence.blueprint.items import Item
from netfence.blueprint.render import namespace_file, render_files, render_stream
from netfence.blueprint.schema import Blueprint, PortRange
from netfence.model import NAMESPACE_NAME_LABEL
from netfence.vocabulary import (
    BLUEPRINT_ANNOTATION,
    FLOWS_ANNOTATION,
    MANAGED_BY,
    NAMESPACE_LABELS_FILE,
    ROLE_LABEL,
)

GUARDRAILS_FILE = "guardrails.yaml"  # namespace files are ns-<name>.yaml: no collision


@dataclass(frozen=True)
class Generated:
    """The manifests of one blueprint, namespaces first, in a fixed order."""

    blueprint: str
    items: tuple[Item, ...]

    @property
    def namespaces(self) -> tuple[dict[str, Any], ...]:
        return tuple(i.manifest for i in self.items if i.kind == "Namespace")

    @property
    def policies(self) -> tuple[dict[str, Any], ...]:
        return tuple(i.manifest for i in self.items if i.kind == "NetworkPolicy")

    @property
    def cilium_policies(self) -> tuple[dict[str, Any], ...]:
        return tuple(i.manifest for i in self.items if i.kind == "CiliumNetworkPolicy")

    @property
    def tier_policies(self) -> tuple[dict[str, Any], ...]:
        """The guardrails (ANP/BANP, ClusterNetworkPolicy or Calico tiers), when asked for."""
        return tuple(i.manifest for i in self.items if i.file == GUARDRAILS_FILE)

    def manifests(self) -> list[dict[str, Any]]:
        return [*self.namespaces, *self.policies, *self.cilium_policies, *self.tier_policies]

    def files(self) -> dict[str, str]:
        """File name -> YAML text: one file per namespace plus kustomization.yaml."""
        return render_files(self.blueprint, self.items)

    def stream(self) -> str:
        """Every manifest as one multi-document YAML stream."""
        return render_stream(self.blueprint, self.items)


def generate(
    bp: Blueprint, tiers: TierDialect = "none", dialect: Dialect = "kubernetes"
) -> Generated:
    """Namespace labels, deny-all, allow-dns and one policy per workload and direction (with
    ``dialect`` cilium, flows to named externals in a CiliumNetworkPolicy); the blueprint's
    guardrails as tier policies of dialect ``tiers`` (calico: Calico Tiers and
    GlobalNetworkPolicies; none: no guardrails)."""
    bp = for_dialect(bp, dialect)
    intents = expected_flows(bp)
    by_end = _by_selected_workload(intents)
    items: list[Item] = []
    for namespace in sorted(bp.isolated):
        items.append(_namespace(bp, namespace))
        if bp.options.default_deny:
            items.append(_deny_all(bp, namespace))
        items.append(_allow_dns(bp, namespace, [i for i in intents if i.kind == "dns"]))
        for name in sorted(w for w, spec in bp.workloads.items() if spec.namespace == namespace):
            items.extend(_workload_policies(bp, name, by_end))
            cilium = fqdn_policy(bp, name, by_end.get((name, "egress"), []))
            items += [cilium] if cilium is not None else []
    if tiers == "calico":
        items += [
            Item(GUARDRAILS_FILE, m, why)
            for m, why in calico_manifests(guardrails(bp), bp.metadata.name)
        ]
    elif tiers != "none":
        items += [
            Item(GUARDRAILS_FILE, manifest(g, tiers, bp.metadata.name), g.why)
            for g in guardrails(bp)
        ]
    return Generated(bp.metadata.name, tuple(items))


def _namespace(bp: Blueprint, name: str) -> Item:
    spec = bp.namespaces[name]
    labels = {
        NAMESPACE_NAME_LABEL: name,
        ROLE_LABEL: spec.role,
        **dict(sorted(spec.labels.items())),
    }
    manifest = {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": name, "labels": labels},
    }
    why = (
        f"Namespace {name} (role: {spec.role}): its labels only, never deleted by netfence",
        "(netfence apply creates it only when missing, and says so). Policies select it by",
        f"{NAMESPACE_NAME_LABEL}, which Kubernetes sets.",
    )
    return Item(NAMESPACE_LABELS_FILE, manifest, why)


def _policy(
    bp: Blueprint, namespace: str, name: str, implements: Iterable[str], spec: dict[str, Any]
) -> dict[str, Any]:
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {
            "name": name,
            "namespace": namespace,
            "labels": dict(MANAGED_BY),
            "annotations": {
                BLUEPRINT_ANNOTATION: bp.metadata.name,
                FLOWS_ANNOTATION: ", ".join(sorted(set(implements))),
            },
        },
        "spec": spec,
    }


def _deny_all(bp: Blueprint, namespace: str) -> Item:
    spec = {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
    why = (
        f"Zero-trust baseline: every pod of {namespace} is isolated for ingress and egress.",
        "The other policies of this namespace are the only exceptions.",
    )
    return Item(
        namespace_file(namespace), _policy(bp, namespace, "deny-all", ["default-deny"], spec), why
    )


def _allow_dns(bp: Blueprint, namespace: str, dns: Sequence[Intent]) -> Item:
    mine = [i for i in dns if isinstance(i.source, Pods) and i.source.namespace == namespace]
    spec = {
        "podSelector": {},
        "policyTypes": ["Egress"],
        "egress": _rules([(i.target, i.ports) for i in mine], namespace, "to"),
    }
    why = [
        f"DNS: every pod of {namespace} may query the {bp.dns.namespace} pods labelled "
        f"{_labels_text(bp.dns.selector)}",
        "on UDP and TCP 53 (TCP carries large answers).",
    ]
    if bp.dns.node_local is not None:
        why.append(f"NodeLocal DNSCache at {bp.dns.node_local} is on the host network: by address.")
    return Item(
        namespace_file(namespace), _policy(bp, namespace, "allow-dns", ["dns"], spec), tuple(why)
    )


def _ends(intent: Intent, direction: str) -> tuple[End, End]:
    """(the end a policy in ``direction`` selects, the peer end it admits)."""
    if direction == "ingress":
        return intent.target, intent.source
    return intent.source, intent.target


def _by_selected_workload(intents: Sequence[Intent]) -> dict[tuple[str, str], list[Intent]]:
    """(workload, direction) -> the non-DNS intents a policy of that workload implements."""
    index: dict[tuple[str, str], list[Intent]] = {}
    for intent in intents:
        if intent.kind == "dns":
            continue
        for direction in ("ingress", "egress"):
            end = _ends(intent, direction)[0]
            if isinstance(end, Pods):
                index.setdefault((end.name, direction), []).append(intent)
    return index


def _workload_policies(
    bp: Blueprint, name: str, by_end: dict[tuple[str, str], list[Intent]]
) -> list[Item]:
    """``<name>-ingress`` and ``<name>-egress``, when the workload has flows that way."""
    workload = bp.workloads[name]
    items: list[Item] = []
    for direction, policy_type, peers_key, verb in (
        ("ingress", "Ingress", "from", "accepts"),
        ("egress", "Egress", "to", "may connect to"),
    ):
        found = [i for i in by_end.get((name, direction), []) if not isinstance(i.target, Names)]
        if not found:
            continue
        peers = [(_ends(i, direction)[1], i.ports) for i in found]
        spec = {
            "podSelector": _selector(tuple(sorted(workload.selector.items()))),
            "policyTypes": [policy_type],
            direction: _rules(peers, workload.namespace, peers_key),
        }
        why = [f"{name} ({workload.description or 'workload'}) {verb}:"]
        why += [f"  {i.id}: {i}" + (f" - {i.description}" if i.description else "") for i in found]
        policy = _policy(bp, workload.namespace, f"{name}-{direction}", [i.id for i in found], spec)
        items.append(Item(namespace_file(workload.namespace), policy, tuple(why)))
    return items


def _rules(
    peers: Sequence[tuple[End, tuple[PortRange, ...]]], namespace: str, peers_key: str
) -> list[dict[str, Any]]:
    """One rule per peer end (ports merged), ordered by peer."""
    merged: dict[End, set[PortRange]] = {}
    for end, ports in peers:
        merged.setdefault(end, set()).update(ports)
    ordered = sorted(merged, key=lambda e: (isinstance(e, Addresses), e.name))
    return [
        {peers_key: _peers(end, namespace), "ports": [_port(p) for p in sorted(merged[end])]}
        for end in ordered
    ]


def _peers(end: End, namespace: str) -> list[dict[str, Any]]:
    if isinstance(end, Names):
        raise ValueError(f"{end.name} is reached by name: only --dialect cilium writes it")
    if isinstance(end, Addresses):
        return [{"ipBlock": block.manifest()} for block in end.blocks]
    if end.namespace == namespace:
        return [{"podSelector": _selector(end.labels)}]
    return [
        {
            "namespaceSelector": {"matchLabels": {NAMESPACE_NAME_LABEL: end.namespace}},
            "podSelector": _selector(end.labels),
        }
    ]


def _selector(labels: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    return {"matchLabels": dict(labels)} if labels else {}


def _port(port: PortRange) -> dict[str, Any]:
    out: dict[str, Any] = {"protocol": port.protocol, "port": port.start}
    if port.end != port.start:
        out["endPort"] = port.end
    return out


def _labels_text(labels: dict[str, str]) -> str:
    return ",".join(f"{k}={v}" for k, v in sorted(labels.items())) or "(any)"
