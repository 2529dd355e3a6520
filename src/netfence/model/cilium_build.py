"""Translating validated Cilium policies into ``CiliumPolicy`` (no I/O, no validation here).

Runs once over the whole input: ``toServices`` need the Services, ``cidrGroupRef`` the
CiliumCIDRGroups and ``io.cilium.k8s.policy.cluster`` the ``cilium-config`` ConfigMap.
Parts that cannot be evaluated offline (host policies, ``toNodes``, ``toGroups``, Services
without a selector) are said in ``notes``.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from netfence.load.cilium_kinds import CIDR_GROUP_KIND, CILIUM_POLICY_KINDS
from netfence.load.document import Document
from netfence.model.cilium import (
    DEFAULT_CLUSTER_NAME,
    CiliumPeer,
    CiliumPolicy,
    CiliumPort,
    CiliumRule,
    L7Kind,
)
from netfence.model.cilium_labels import translate
from netfence.model.goip import canonical_cidr
from netfence.model.selectors import selector
from netfence.model.tiers import Action
from netfence.model.types import PROTOCOLS, Direction, IPBlock, Protocol, Service

L3_FIELDS = {
    "ingress": (
        "fromEndpoints",
        "fromEntities",
        "fromCIDR",
        "fromCIDRSet",
        "fromNodes",
        "fromGroups",
        "fromRequires",
    ),
    "egress": (
        "toEndpoints",
        "toEntities",
        "toCIDR",
        "toCIDRSet",
        "toServices",
        "toFQDNs",
        "toNodes",
        "toGroups",
        "toRequires",
    ),
}
NOT_EVALUATED_FIELDS = (
    "fromNodes",
    "toNodes",
    "fromGroups",
    "toGroups",
    "fromRequires",
    "toRequires",
)
L7_KINDS: tuple[L7Kind, ...] = ("http", "kafka", "dns", "l7proto")


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def domain(name: str) -> str:
    """A DNS name or pattern as Cilium compares it: lower case, without the trailing dot."""
    return name.strip().lower().removesuffix(".")


def cluster_name(documents: Iterable[Document]) -> str:
    """``cluster-name`` of kube-system's ``cilium-config`` ConfigMap, else Cilium's default."""
    for doc in documents:
        if (doc.kind, doc.name) == ("ConfigMap", "cilium-config") and doc.namespace in (
            "kube-system",
            "",
        ):
            name = _dict(doc.data.get("data")).get("cluster-name")
            if isinstance(name, str) and name:
                return name
    return DEFAULT_CLUSTER_NAME


@dataclass(frozen=True)
class CidrGroup:
    name: str
    labels: dict[str, str]
    blocks: tuple[IPBlock, ...]


def _network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    return ipaddress.ip_network(canonical_cidr(text.strip()), strict=False)


def cidr_group(doc: Document) -> CidrGroup:
    spec = _dict(doc.data.get("spec"))
    blocks = tuple(
        IPBlock(_network(str(c)), cidr_text=str(c)) for c in _list(spec.get("externalCIDRs"))
    )
    labels = {str(k): str(v) for k, v in _dict(doc.metadata().get("labels")).items()}
    return CidrGroup(doc.name, labels, blocks)


@dataclass
class Context:
    """What a translation reads beside the policy, and the notes it leaves."""

    cluster: str = DEFAULT_CLUSTER_NAME
    services: Sequence[Service] = ()
    groups: Sequence[CidrGroup] = ()
    notes: list[str] = field(default_factory=list)

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)


@dataclass
class _Scope:
    ctx: Context
    doc: Document
    namespace: str
    ident: str
    base: tuple[str | int, ...]


def _ports(
    rule: dict[str, Any],
) -> tuple[tuple[CiliumPort, ...] | None, tuple[L7Kind, ...], tuple[str, ...]]:
    """The ports a rule's ``toPorts`` admit (None: all), its L7 kinds and DNS patterns."""
    if rule.get("toPorts") is None:
        return None, (), ()
    ports: list[CiliumPort] = []
    l7: list[L7Kind] = []
    dns: list[str] = []
    every = False
    for entry in _list(rule["toPorts"]):
        entry = _dict(entry)
        rules = _dict(entry.get("rules"))
        for kind in L7_KINDS:
            if rules.get(kind) is not None and kind not in l7:
                l7.append(kind)
        for lookup in _list(rules.get("dns")):
            lookup = _dict(lookup)
            text = lookup.get("matchName") or lookup.get("matchPattern")
            if isinstance(text, str):
                dns.append(domain(text))
        listed = _list(entry.get("ports"))
        if not listed:
            every = True
        for port in listed:
            ports += _port(_dict(port))
    return (None if every else tuple(ports)), tuple(l7), tuple(dns)


def _port(port: dict[str, Any]) -> list[CiliumPort]:
    protocol = str(port.get("protocol") or "ANY").upper()
    protocols: tuple[Protocol, ...] = (
        PROTOCOLS if protocol == "ANY" else tuple(p for p in PROTOCOLS if p == protocol)
    )
    text = str(port.get("port") if port.get("port") is not None else "").strip()
    if text in ("", "0"):
        return [CiliumPort(p) for p in protocols]
    if not text.isdigit():
        return [CiliumPort(p, name=text.lower()) for p in protocols]
    low = int(text)
    end = port.get("endPort")
    high = int(end) if isinstance(end, int) and end > low else low
    return [CiliumPort(p, low, high) for p in protocols]


def _blocks(scope: _Scope, entries: list[Any], with_except: bool) -> list[IPBlock]:
    blocks: list[IPBlock] = []
    for entry in entries:
        if not with_except:
            blocks.append(IPBlock(_network(str(entry)), cidr_text=str(entry)))
            continue
        entry = _dict(entry)
        excepts = tuple(_network(str(e)) for e in _list(entry.get("except")))
        if entry.get("cidr") is not None:
            blocks.append(IPBlock(_network(str(entry["cidr"])), excepts, str(entry["cidr"])))
            continue
        groups = _groups(scope, entry)
        for group in groups:
            blocks += [IPBlock(b.cidr, excepts, b.cidr_text) for b in group.blocks]
    return blocks


def _groups(scope: _Scope, entry: dict[str, Any]) -> list[CidrGroup]:
    if entry.get("cidrGroupRef") is not None:
        name = str(entry["cidrGroupRef"])
        found = [g for g in scope.ctx.groups if g.name == name]
        if not found:
            scope.ctx.note(
                f"{scope.ident}: CiliumCIDRGroup {name!r} is not in the input: its rule "
                "matches no address"
            )
        return found
    wanted = selector(entry.get("cidrGroupSelector"))
    return [g for g in scope.ctx.groups if wanted.matches(g.labels)]


def _services(scope: _Scope, entries: list[Any]) -> list[CiliumPeer]:
    """``toServices`` as the endpoints of the Services' selectors."""
    peers: list[CiliumPeer] = []
    for entry in entries:
        entry = _dict(entry)
        chosen: list[Service] = []
        if entry.get("k8sService") is not None:
            ref = _dict(entry["k8sService"])
            namespace = str(ref.get("namespace") or scope.namespace)
            name = str(ref.get("serviceName") or "")
            chosen = [s for s in scope.ctx.services if (s.namespace, s.name) == (namespace, name)]
            if not chosen:
                scope.ctx.note(f"{scope.ident}: toServices {namespace}/{name} is not in the input")
        else:
            ref = _dict(entry.get("k8sServiceSelector"))
            namespace = str(ref.get("namespace") or scope.namespace)
            wanted = selector(_dict(ref.get("selector")))
            chosen = [
                s
                for s in scope.ctx.services
                if (not namespace or s.namespace == namespace) and wanted.matches(dict(s.labels))
            ]
        for service in chosen:
            if not service.selector:
                scope.ctx.note(
                    f"{scope.ident}: toServices {service.id} has no selector: Cilium allows the "
                    "addresses of its EndpointSlices, which the input does not give"
                )
                continue
            raw = {
                "matchLabels": {
                    "io.kubernetes.pod.namespace": service.namespace,
                    **dict(service.selector),
                }
            }
            selection = translate(raw, "", scope.ctx.cluster, subject=False).selection
            peers.append(CiliumPeer("endpoints", selection, text=f"service {service.id}"))
    return peers


def _peers(
    scope: _Scope, rule: dict[str, Any], direction: Direction, path: str
) -> tuple[list[CiliumPeer], bool]:
    """The rule's L3 peers, and whether it has no L3 field at all."""
    peers: list[CiliumPeer] = []
    prefix = "from" if direction == "ingress" else "to"
    for raw in _list(rule.get(f"{prefix}Endpoints")):
        translated = translate(raw, scope.namespace, scope.ctx.cluster, subject=False)
        if translated.reserved:
            peers.append(CiliumPeer("entities", entities=translated.reserved))
        else:
            peers.append(CiliumPeer("endpoints", translated.selection))
    entities = tuple(str(e) for e in _list(rule.get(f"{prefix}Entities")))
    if entities:
        peers.append(CiliumPeer("entities", entities=entities))
    blocks = _blocks(scope, _list(rule.get(f"{prefix}CIDR")), with_except=False)
    blocks += _blocks(scope, _list(rule.get(f"{prefix}CIDRSet")), with_except=True)
    if blocks:
        peers.append(CiliumPeer("cidrs", cidrs=tuple(blocks)))
    if direction == "egress":
        peers += _services(scope, _list(rule.get("toServices")))
        names = [
            domain(str(_dict(f).get("matchName") or _dict(f).get("matchPattern") or ""))
            for f in _list(rule.get("toFQDNs"))
        ]
        if names:
            peers.append(CiliumPeer("fqdns", fqdns=tuple(dict.fromkeys(names))))
    for name in NOT_EVALUATED_FIELDS:
        if name in L3_FIELDS[direction] and rule.get(name) is not None:
            scope.ctx.note(
                f"{scope.ident}: {path}.{name} is not evaluated: it matches nothing here"
            )
    no_l3 = all(rule.get(name) is None for name in L3_FIELDS[direction])
    return peers, no_l3


def _rules(scope: _Scope, spec: dict[str, Any], direction: Direction) -> tuple[CiliumRule, ...]:
    out: list[CiliumRule] = []
    sections: tuple[tuple[str, Action], ...] = (
        (direction, "Allow"),
        (f"{direction}Deny", "Deny"),
    )
    for key, action in sections:
        for index, raw in enumerate(_list(spec.get(key))):
            rule = _dict(raw)
            path = f"{key}[{index}]"
            peers, no_l3 = _peers(scope, rule, direction, path)
            ports, l7, dns = _ports(rule)
            has_ports = rule.get("toPorts") is not None and bool(_list(rule.get("toPorts")))
            out.append(
                CiliumRule(
                    index=index,
                    action=action,
                    peers=tuple(peers),
                    ports=ports,
                    l7=l7,
                    dns=dns,
                    wildcard=no_l3 and has_ports,
                    path=path,
                    source=scope.doc.source_of((*scope.base, key, index)),
                )
            )
    return tuple(out)


def _default_deny(spec: dict[str, Any]) -> frozenset[Direction]:
    """Per direction: ``enableDefaultDeny`` when set, else whether the policy has rules there."""
    chosen = _dict(spec.get("enableDefaultDeny"))
    out: set[Direction] = set()
    for direction in cast(tuple[Direction, ...], ("ingress", "egress")):
        has_rules = bool(_list(spec.get(direction)) or _list(spec.get(f"{direction}Deny")))
        wanted = chosen.get(direction)
        if has_rules if wanted is None else bool(wanted):
            out.add(direction)
    return frozenset(out)


def cilium_policies(doc: Document, ctx: Context) -> list[CiliumPolicy]:
    """One CiliumPolicy per ``spec``/``specs`` entry that selects endpoints."""
    namespace = doc.namespace if doc.kind == "CiliumNetworkPolicy" else ""
    entries: list[tuple[tuple[str | int, ...], dict[str, Any], int | None]] = []
    if doc.data.get("spec") is not None:
        entries.append((("spec",), _dict(doc.data["spec"]), None))
    for index, spec in enumerate(_list(doc.data.get("specs"))):
        entries.append((("specs", index), _dict(spec), index))
    several = len(entries) > 1
    out: list[CiliumPolicy] = []
    for base, spec, part in entries:
        ident = doc.ident() + (f" {'.'.join(map(str, base))}" if several else "")
        if spec.get("endpointSelector") is None:
            ctx.note(f"{ident}: a host policy (nodeSelector) is not evaluated")
            continue
        scope = _Scope(ctx, doc, namespace, ident, base)
        subject = translate(spec["endpointSelector"], namespace, ctx.cluster, subject=True)
        out.append(
            CiliumPolicy(
                kind=doc.kind,
                name=doc.name,
                namespace=namespace,
                subject=subject.selection,
                ingress=_rules(scope, spec, "ingress"),
                egress=_rules(scope, spec, "egress"),
                default_deny=_default_deny(spec),
                part=part if several or part is not None else None,
                source=doc.source_of(base),
            )
        )
    return out


@dataclass(frozen=True)
class Translation:
    policies: tuple[CiliumPolicy, ...]
    notes: tuple[str, ...]


def cilium_translation(
    documents: Sequence[Document], services: Sequence[Service], cluster: str
) -> Translation:
    """Every Cilium policy of the input, with the notes of what was not evaluated."""
    groups = [cidr_group(d) for d in documents if d.kind == CIDR_GROUP_KIND]
    ctx = Context(cluster, services, groups)
    policies = [
        policy
        for doc in documents
        if doc.kind in CILIUM_POLICY_KINDS
        for policy in cilium_policies(doc, ctx)
    ]
    return Translation(tuple(policies), tuple(ctx.notes))
