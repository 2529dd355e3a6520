"""Whole lab runs as library calls: build a lab for a cluster, probe it, tear it down."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import resource
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from netfence.engine import Engine, EngineOptions, IPBlockReading
from netfence.lab.addresses import assigned_addresses, with_lab_addresses
from netfence.lab.dns import Dns, dns_endpoint
from netfence.lab.dns_proxy import DnsProxies
from netfence.lab.probe import NameService, measure
from netfence.lab.servers import Servers
from netfence.lab.session import Lab
from netfence.lab.topology import ExternalSpec, LabNode, Topology
from netfence.model import Cluster, Protocol
from netfence.probes import Measurement, Probe


@dataclass(frozen=True)
class LabOptions:
    """How a lab reads ipBlocks, how long a probe waits, whether external ranges are probed."""

    ipblock_pods: IPBlockReading = "match"
    timeout: float = 1.0
    externals: bool = True


@dataclass(frozen=True)
class ProbeRun:
    """Measurements of one port/protocol over every ordered pair of lab nodes (``cluster`` as
    given, without the addresses the lab made up)."""

    cluster: Cluster
    topology: Topology
    port: int | str
    protocol: Protocol
    measurements: tuple[Measurement, ...]


def lab_engine(cluster: Cluster, options: LabOptions) -> Engine:
    """The engine over the cluster the lab builds (addresses the lab makes up are unknown IPs
    to it, as they are to the lab's ipBlock rules)."""
    return Engine(cluster, EngineOptions(ipblock_pods=options.ipblock_pods))


def external_specs(engine: Engine) -> tuple[ExternalSpec, ...]:
    return tuple(ExternalSpec(e.id, e.cidrs, e.representative, e.domain) for e in engine.externals)


@contextlib.contextmanager
def name_service(lab: Lab) -> Iterator[NameService | None]:
    """The lab's cluster DNS and its endpoints' DNS proxies, running for the body (None: the
    input has no kube-dns endpoint to run DNS in)."""
    server = dns_endpoint(lab.cluster)
    if server is None or lab.topology.node(server.id) is None:
        yield None
        return
    dns = Dns(lab.topology, lab.cluster, lab.entry)
    proxies = DnsProxies(lab.topology, lab.fqdn_sets, dns.address, lab.entry)
    try:
        dns.start()
        proxies.start()
        yield NameService(dns.address, proxies.resolvers())
    finally:
        proxies.stop()
        dns.stop()


def probe_pairs(nodes: Sequence[LabNode]) -> list[tuple[LabNode, LabNode]]:
    """Every ordered pair with an endpoint on at least one side (self pairs included)."""
    return [
        (src, dst)
        for src, dst in itertools.product(nodes, repeat=2)
        if not (src.is_external and dst.is_external)
    ]


def _raise_file_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


class KernelRunner:
    """The lab's runner of the probe protocol: sockets in a running lab's namespaces, through
    its nftables rules (probes name lab nodes: endpoint ids or external range ids)."""

    measured_by = "lab"

    def __init__(self, lab: Lab, timeout: float) -> None:
        self._lab = lab
        self._timeout = timeout

    def measure(self, probes: Sequence[Probe]) -> list[Measurement]:
        """Serve each probed port at its destinations, then probe (one port at a time);
        probes to ``fqdn:`` nodes last, with the lab's DNS running (it answers on port 53
        where the other probes' servers listened)."""
        return asyncio.run(self._measure(probes))

    async def _measure(self, probes: Sequence[Probe]) -> list[Measurement]:
        named = {node.ident for node in self._lab.topology.fqdn_nodes}
        direct = [i for i, probe in enumerate(probes) if probe.dst not in named]
        by_name = [i for i, probe in enumerate(probes) if probe.dst in named]
        measured = await self._measure_some(probes, direct, None)
        if by_name:
            with name_service(self._lab) as names:
                measured.update(await self._measure_some(probes, by_name, names))
        return [measured[index] for index in range(len(probes))]

    async def _measure_some(
        self, probes: Sequence[Probe], chosen: Sequence[int], names: NameService | None
    ) -> dict[int, Measurement]:
        nodes = {node.ident: node for node in self._lab.topology.nodes}
        groups: dict[tuple[int | str, Protocol], list[int]] = {}
        for index in chosen:
            groups.setdefault((probes[index].port, probes[index].protocol), []).append(index)
        measured: dict[int, Measurement] = {}
        servers = Servers(self._lab.entry)
        try:
            for (port, protocol), indices in groups.items():
                pairs = [(nodes[probes[i].src], nodes[probes[i].dst]) for i in indices]
                cells = await measure(
                    self._lab.entry, servers, pairs, port, protocol, self._timeout, names
                )
                measured.update(zip(indices, cells, strict=True))
        finally:
            await servers.close()
        return measured


def probe_cluster(
    cluster: Cluster,
    queries: Sequence[tuple[int | str, Protocol]],
    options: LabOptions | None = None,
) -> list[ProbeRun]:
    """Build a lab for ``cluster``, measure each (port, protocol), tear the lab down."""
    options = options or LabOptions()
    _raise_file_limit()
    addressed = with_lab_addresses(cluster)
    unknown = assigned_addresses(cluster, addressed)
    engine = lab_engine(cluster, options)
    externals = external_specs(engine) if options.externals else ()
    reading = engine.options.ipblock_pods
    with Lab(addressed, externals, reading, "probe", unknown) as lab:
        pairs = probe_pairs(lab.topology.nodes)
        probes = [
            Probe(src.ident, dst.ident, port, protocol)
            for port, protocol in queries
            for src, dst in pairs
        ]
        measured = KernelRunner(lab, options.timeout).measure(probes)
    size = len(pairs)
    return [
        ProbeRun(
            cluster,
            lab.topology,
            port,
            protocol,
            (*measured[k * size : (k + 1) * size], *_untested(lab.topology, port, protocol)),
        )
        for k, (port, protocol) in enumerate(queries)
    ]


_EXTERNAL = ("ext:", "fqdn:")


def _untested(topology: Topology, port: int | str, protocol: Protocol) -> tuple[Measurement, ...]:
    """Cells of endpoints the lab could not build: reported, never guessed."""
    reasons = dict(topology.untestable)
    idents = [n.ident for n in topology.nodes] + list(reasons)
    return tuple(
        Measurement(src, dst, port, None, protocol, None, f"could not test: {reason}")
        for src in idents
        for dst in idents
        if (reason := reasons.get(src) or reasons.get(dst))
        and not (src.startswith(_EXTERNAL) and dst.startswith(_EXTERNAL))
    )
