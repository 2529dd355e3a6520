"""The lab's topology: a node namespace with a bridge, one namespace per endpoint, per
external range and per ``fqdn:`` node, joined by veth pairs created inside lab namespaces
only. An ``fqdn:`` node stands at a lab address the lab's DNS answers for its lookup name
(``fqdn.lookup_name``)."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass

from netfence.lab import names, netns
from netfence.lab.addresses import external_address, fqdn_address
from netfence.lab.fqdn import lookup_name
from netfence.model import Cluster, Endpoint, IPAddress, IPNetwork

GATEWAY_V4 = ipaddress.IPv4Address("169.254.1.1")
GATEWAY_V6 = ipaddress.IPv6Address("fe80::1")
BRIDGE_MAC = "02:6e:67:00:00:01"


@dataclass(frozen=True)
class LabNode:
    """One endpoint (or external range, or ``fqdn:`` node) of the lab and the namespace
    standing for it; an external keeps the engine's ``cidrs`` (none for a name) and an
    ``fqdn:`` node its ``domain`` and the concrete name the lab resolves for it."""

    ident: str
    namespace: str
    addresses: tuple[IPAddress, ...]
    endpoint: Endpoint | None = None
    cidrs: tuple[IPNetwork, ...] = ()
    domain: str = ""
    lookup: str = ""

    @property
    def is_external(self) -> bool:
        return self.endpoint is None


@dataclass(frozen=True)
class ExternalSpec:
    """What the lab needs of an engine's external range."""

    ident: str
    cidrs: tuple[IPNetwork, ...]
    representative: IPAddress
    domain: str = ""


@dataclass(frozen=True)
class Topology:
    """The planned lab: its id and every node, endpoints first."""

    lab_id: str
    nodes: tuple[LabNode, ...]
    untestable: tuple[tuple[str, str], ...] = ()

    @property
    def node_namespace(self) -> str:
        return names.node_namespace(self.lab_id)

    @property
    def namespaces(self) -> tuple[str, ...]:
        return (self.node_namespace, *(n.namespace for n in self.nodes))

    @property
    def fqdn_nodes(self) -> tuple[LabNode, ...]:
        return tuple(n for n in self.nodes if n.domain)

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


def _endpoint_problem(endpoint: Endpoint, taken: set[IPAddress]) -> str:
    if not endpoint.ips:
        return "no IP address"
    shared = [str(ip) for ip in endpoint.ips if ip in taken]
    return f"shares {', '.join(shared)} with another endpoint" if shared else ""


def _external_problem(address: IPAddress | None, families: set[int]) -> str:
    if address is None:
        return "no address of the range can be used on a host"
    return "" if address.version in families else f"no endpoint has an IPv{address.version} address"


def plan(
    lab_id: str,
    cluster: Cluster,
    externals: Sequence[ExternalSpec] = (),
    avoid: Sequence[IPNetwork] = (),
) -> Topology:
    """Name a namespace for every endpoint, external range and ``fqdn:`` node that can have
    one in the lab (a name's address lies outside every CIDR in ``avoid`` but whole-family
    ones); the others are listed with the reason (their cells cannot be tested)."""
    nodes: list[LabNode] = []
    untestable: list[tuple[str, str]] = []
    taken: set[IPAddress] = set()
    for index, endpoint in enumerate(cluster.endpoints):
        problem = _endpoint_problem(endpoint, taken)
        taken.update(endpoint.ips)
        if problem:
            untestable.append((endpoint.id, problem))
            continue
        namespace = names.endpoint_namespace(lab_id, index)
        nodes.append(LabNode(endpoint.id, namespace, endpoint.ips, endpoint))
    families: set[int] = {ip.version for ip in taken}
    for index, external in enumerate(externals):
        if external.domain:
            address = fqdn_address(avoid, taken)
            problem = "" if address else "every lab address for names lies in a policy's CIDR"
        else:
            address = external_address(external.cidrs, external.representative, taken)
            problem = ""
        problem = problem or _external_problem(address, families)
        if address is None or problem:
            untestable.append((external.ident, problem))
            continue
        taken.add(address)
        lookup = lookup_name(external.domain) if external.domain else ""
        namespace = names.external_namespace(lab_id, index)
        nodes.append(
            LabNode(
                external.ident, namespace, (address,), None, external.cidrs, external.domain, lookup
            )
        )
    return Topology(lab_id, tuple(nodes), tuple(untestable))


def _prefix(ip: IPAddress) -> str:
    return f"{ip}/{ip.max_prefixlen}"


def endpoint_mac(index: int) -> str:
    """A fixed, locally administered MAC for the lab's ``index``-th node."""
    return "02:6e:66:" + ":".join(f"{(index >> shift) & 0xFF:02x}" for shift in (16, 8, 0))


_NODE_SYSCTLS = (
    ("net.ipv4.ip_forward", "1"),
    ("net.ipv6.conf.all.forwarding", "1"),
    ("net.ipv4.conf.all.send_redirects", "0"),
    ("net.ipv4.conf.default.send_redirects", "0"),
)
_ENDPOINT_SYSCTLS = (
    ("net.ipv4.conf.all.accept_redirects", "0"),
    ("net.ipv4.conf.default.accept_redirects", "0"),
    ("net.ipv6.conf.all.accept_redirects", "0"),
    ("net.ipv6.conf.default.accept_redirects", "0"),
)


def _endpoint_commands(node: LabNode, routes: Sequence[IPNetwork]) -> list[str]:
    """Addresses, a permanent neighbour entry for the gateway, and routes to lab prefixes."""
    eth = names.POD_INTERFACE
    commands = ["link set lo up", f"link set {eth} up"]
    for ip in node.addresses:
        nodad = " nodad" if ip.version == 6 else ""
        commands.append(f"addr add {_prefix(ip)} dev {eth}{nodad}")
    for gateway in (GATEWAY_V4, GATEWAY_V6):
        versions = {route.version for route in routes}
        if gateway.version in versions:
            commands.append(f"neigh add {gateway} lladdr {BRIDGE_MAC} dev {eth} nud permanent")
    for route in routes:
        gateway = GATEWAY_V4 if route.version == 4 else GATEWAY_V6
        commands.append(f"route add {route} via {gateway} dev {eth} onlink")
    return commands


def _node_commands(topology: Topology, routes: Sequence[IPNetwork]) -> list[str]:
    """The bridge (the gateway of every endpoint), its ports, routes and neighbour entries."""
    bridge = names.BRIDGE
    commands = [
        f"link add {bridge} address {BRIDGE_MAC} type bridge mcast_snooping 0",
        f"link set {bridge} up",
        f"addr add {GATEWAY_V4}/32 dev {bridge}",
        f"addr add {GATEWAY_V6}/64 dev {bridge} nodad",
    ]
    for index, node in enumerate(topology.nodes):
        port = names.node_port(node.namespace)
        mac = endpoint_mac(index)
        commands += [
            f"link add {port} type veth peer name {names.POD_INTERFACE} "
            f"address {mac} netns {node.namespace}",
            f"link set {port} master {bridge} up",
        ]
        commands += [
            f"neigh add {ip} lladdr {mac} dev {bridge} nud permanent" for ip in node.addresses
        ]
    commands += [f"route add {route} dev {bridge}" for route in routes]
    return commands


def build(topology: Topology, entry: netns.Entry) -> None:
    """Create every namespace and link of the lab (inside lab namespaces only).

    Endpoints route lab prefixes through the node (the bridge's address); every neighbour
    entry is permanent, so the kernel's neighbour tables, shared by all namespaces and capped
    at ``gc_thresh3``, never fill however many endpoints the lab has.
    """
    netns.create(topology.namespaces)
    for namespace in topology.namespaces:
        for scope in ("all", "default"):
            entry.write_sysctl(namespace, f"net.ipv6.conf.{scope}.accept_dad", "0")
    for key, value in _NODE_SYSCTLS:
        entry.write_sysctl(topology.node_namespace, key, value)
    for node in topology.nodes:
        for key, value in _ENDPOINT_SYSCTLS:
            entry.write_sysctl(node.namespace, key, value)
    routes = topology.lab_routes()
    netns.ip_batch(topology.node_namespace, _node_commands(topology, routes))
    netns.parallel((node.namespace, _endpoint_commands(node, routes)) for node in topology.nodes)


def tear_down(topology: Topology) -> None:
    """Delete every namespace of the lab."""
    netns.delete(topology.namespaces)
