"""The lab's topology: a node namespace with a bridge, one namespace per endpoint and per
external range, joined by veth pairs created inside lab namespaces only."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass

from netfence.lab import names, netns
from netfence.lab.addresses import external_address
from netfence.model import Cluster, Endpoint, IPAddress, IPNetwork


@dataclass(frozen=True)
class LabNode:
    """One endpoint (or external range) of the lab and the namespace standing for it."""

    ident: str
    namespace: str
    addresses: tuple[IPAddress, ...]
    endpoint: Endpoint | None = None

    @property
    def is_external(self) -> bool:
        return self.endpoint is None


@dataclass(frozen=True)
class ExternalSpec:
    """What the lab needs of an engine's external range."""

    ident: str
    cidrs: tuple[IPNetwork, ...]
    representative: IPAddress


@dataclass(frozen=True)
class Topology:
    """The planned lab: its id and every node, endpoints first."""

    lab_id: str
    nodes: tuple[LabNode, ...]
    untestable: tuple[str, ...] = ()

    @property
    def node_namespace(self) -> str:
        return names.node_namespace(self.lab_id)

    @property
    def namespaces(self) -> tuple[str, ...]:
        return (self.node_namespace, *(n.namespace for n in self.nodes))

    def node(self, ident: str) -> LabNode | None:
        for node in self.nodes:
            if node.ident == ident:
                return node
        return None

    def lab_routes(self) -> tuple[IPNetwork, ...]:
        """The smallest set of prefixes holding every lab address (the only routes)."""
        hosts = [ipaddress.ip_network(ip) for n in self.nodes for ip in n.addresses]
        v4 = [h for h in hosts if isinstance(h, ipaddress.IPv4Network)]
        v6 = [h for h in hosts if isinstance(h, ipaddress.IPv6Network)]
        return (*ipaddress.collapse_addresses(v4), *ipaddress.collapse_addresses(v6))


def plan(lab_id: str, cluster: Cluster, externals: Sequence[ExternalSpec] = ()) -> Topology:
    """Name a namespace for every endpoint with an address and every usable external range."""
    nodes: list[LabNode] = []
    untestable: list[str] = []
    for index, endpoint in enumerate(cluster.endpoints):
        if not endpoint.ips:
            untestable.append(endpoint.id)
            continue
        namespace = names.endpoint_namespace(lab_id, index)
        nodes.append(LabNode(endpoint.id, namespace, endpoint.ips, endpoint))
    pod_ips = {ip for e in cluster.endpoints for ip in e.ips}
    families = {ip.version for ip in pod_ips}
    for index, external in enumerate(externals):
        address = external_address(external.cidrs, external.representative, pod_ips)
        if address is None or address.version not in families:
            untestable.append(external.ident)
            continue
        nodes.append(LabNode(external.ident, names.external_namespace(lab_id, index), (address,)))
    return Topology(lab_id, tuple(nodes), tuple(untestable))


def _prefix(ip: IPAddress) -> str:
    return f"{ip}/{ip.max_prefixlen}"


def _endpoint_commands(node: LabNode, routes: Sequence[IPNetwork]) -> list[str]:
    eth = names.POD_INTERFACE
    commands = ["link set lo up", f"link set {eth} up"]
    for ip in node.addresses:
        nodad = " nodad" if ip.version == 6 else ""
        commands.append(f"addr add {_prefix(ip)} dev {eth}{nodad}")
    commands += [f"route add {route} dev {eth}" for route in routes]
    return commands


def build(topology: Topology, entry: netns.Entry) -> None:
    """Create every namespace and link of the lab (inside lab namespaces only)."""
    netns.create(topology.namespaces)
    node_ns = topology.node_namespace
    for namespace in topology.namespaces:
        for scope in ("all", "default"):
            entry.write_sysctl(namespace, f"net.ipv6.conf.{scope}.accept_dad", "0")
    bridge = names.BRIDGE
    node_commands = [f"link add {bridge} type bridge mcast_snooping 0", f"link set {bridge} up"]
    for node in topology.nodes:
        port = names.node_port(node.namespace)
        node_commands += [
            f"link add {port} type veth peer name {names.POD_INTERFACE} netns {node.namespace}",
            f"link set {port} master {bridge} up",
        ]
    netns.ip_batch(node_ns, node_commands)
    routes = topology.lab_routes()
    netns.parallel((n.namespace, _endpoint_commands(n, routes)) for n in topology.nodes)


def tear_down(topology: Topology) -> None:
    """Delete every namespace of the lab."""
    netns.delete(topology.namespaces)
