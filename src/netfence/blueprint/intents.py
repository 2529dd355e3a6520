"""What a blueprint allows, resolved: every intended connection with its two ends.

Generation writes policies from these intents and the proof checks the engine's analysis
against them, so both read the blueprint the same way.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Literal

from netfence.blueprint.networks import Block, address_set, blocks
from netfence.blueprint.schema import Blueprint, PortRange, parse_port
from netfence.engine.intervals import IPSet
from netfence.model import Endpoint
from netfence.model.types import freeze_labels

IntentKind = Literal["flow", "dns", "api-server"]
DNS_PORTS = (parse_port("53/UDP"), parse_port("53/TCP"))


@dataclass(frozen=True)
class Pods:
    """In-cluster end: pods of one namespace carrying some labels (none = every pod)."""

    name: str
    namespace: str
    labels: tuple[tuple[str, str], ...] = ()

    def matches(self, endpoint: Endpoint) -> bool:
        have = endpoint.label_map
        return endpoint.namespace == self.namespace and all(
            have.get(k) == v for k, v in self.labels
        )


@dataclass(frozen=True)
class Addresses:
    """Outside end: the addresses of ipBlocks."""

    name: str
    blocks: tuple[Block, ...]
    addresses: IPSet = field(default_factory=IPSet, compare=False)

    @staticmethod
    def of(name: str, found: tuple[Block, ...]) -> Addresses:
        return Addresses(name, found, address_set(found))


@dataclass(frozen=True)
class Names:
    """Outside end reached by DNS name: the ``fqdn:`` destinations of its names and patterns."""

    name: str
    fqdns: tuple[str, ...]


End = Pods | Addresses | Names


@dataclass(frozen=True)
class Intent:
    """One intended connection: from ``source`` to ``target`` on ``ports``."""

    id: str
    kind: IntentKind
    source: End
    target: End
    ports: tuple[PortRange, ...]
    description: str = ""

    def __str__(self) -> str:
        ports = ", ".join(str(p) for p in self.ports)
        return f"{self.source.name} -> {self.target.name} on {ports}"


def workload_end(bp: Blueprint, name: str) -> End:
    """The end a flow's ``from``/``to`` names: a workload's pods, an external's addresses, or
    the names of an external without CIDRs (see ``dialects.for_dialect``)."""
    workload = bp.workloads.get(name)
    if workload is not None:
        return Pods(name, workload.namespace, freeze_labels(workload.selector))
    external = bp.externals[name]
    if not external.cidrs:
        return Names(name, tuple(external.fqdns))
    return Addresses.of(name, blocks(bp, external))


def dns_intents(bp: Blueprint) -> list[Intent]:
    """Every pod of every isolated namespace may query cluster DNS (and NodeLocal DNSCache)."""
    servers: list[End] = [Pods("kube-dns", bp.dns.namespace, freeze_labels(bp.dns.selector))]
    if bp.dns.node_local is not None:
        servers.append(
            Addresses.of("node-local-dns", (Block(ipaddress.ip_network(bp.dns.node_local)),))
        )
    return [
        Intent(
            "dns",
            "dns",
            Pods(f"{namespace}/*", namespace),
            server,
            DNS_PORTS,
            f"every pod of {namespace} resolves names",
        )
        for namespace in bp.isolated
        for server in servers
    ]


def api_server_intents(bp: Blueprint) -> list[Intent]:
    """Egress to the Kubernetes API server for the workloads that need it."""
    api = bp.options.api_server
    if api is None:
        return []
    target = Addresses.of("kubernetes-api", tuple(Block(a) for a in api.addresses))
    return [
        Intent(
            "api-server",
            "api-server",
            workload_end(bp, name),
            target,
            tuple(sorted(api.ports)),
            f"{name} talks to the Kubernetes API server",
        )
        for name in api.workloads
    ]


def expected_flows(bp: Blueprint) -> tuple[Intent, ...]:
    """Every connection the blueprint allows: its flows, DNS and API-server access."""
    flows = [
        Intent(
            flow.id,
            "flow",
            workload_end(bp, flow.source),
            workload_end(bp, flow.target),
            tuple(sorted(flow.ports)),
            flow.description,
        )
        for flow in bp.flows
    ]
    return (*flows, *dns_intents(bp), *api_server_intents(bp))


def roles(bp: Blueprint) -> dict[str, str]:
    """Namespace name -> role."""
    return {name: spec.role for name, spec in bp.namespaces.items()}
