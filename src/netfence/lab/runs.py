"""Whole lab runs as library calls: build a lab for a cluster, probe it, tear it down."""

from __future__ import annotations

import asyncio
import itertools
import resource
from collections.abc import Sequence
from dataclasses import dataclass

from netfence.engine import Engine, EngineOptions, IPBlockReading
from netfence.lab.addresses import assigned_addresses, with_lab_addresses
from netfence.lab.probe import Measurement, measure
from netfence.lab.servers import Servers
from netfence.lab.session import Lab
from netfence.lab.topology import ExternalSpec, LabNode, Topology
from netfence.model import Cluster, Protocol


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
    return tuple(ExternalSpec(e.id, e.cidrs, e.representative) for e in engine.externals)


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


async def _measure_all(
    lab: Lab, queries: Sequence[tuple[int | str, Protocol]], timeout: float
) -> list[tuple[Measurement, ...]]:
    servers = Servers(lab.entry)
    pairs = probe_pairs(lab.topology.nodes)
    try:
        return [
            tuple(await measure(lab.entry, servers, pairs, port, protocol, timeout))
            for port, protocol in queries
        ]
    finally:
        await servers.close()


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
    externals = external_specs(lab_engine(cluster, options)) if options.externals else ()
    with Lab(addressed, externals, options.ipblock_pods, "probe", unknown) as lab:
        results = asyncio.run(_measure_all(lab, queries, options.timeout))
    return [
        ProbeRun(
            cluster,
            lab.topology,
            port,
            protocol,
            measured + _untested(lab.topology, port, protocol),
        )
        for (port, protocol), measured in zip(queries, results, strict=True)
    ]


def _untested(topology: Topology, port: int | str, protocol: Protocol) -> tuple[Measurement, ...]:
    """Cells of endpoints the lab could not build: reported, never guessed."""
    reasons = dict(topology.untestable)
    idents = [n.ident for n in topology.nodes] + list(reasons)
    return tuple(
        Measurement(src, dst, port, None, protocol, None, f"could not test: {reason}")
        for src in idents
        for dst in idents
        if (reason := reasons.get(src) or reasons.get(dst))
        and not (src.startswith("ext:") and dst.startswith("ext:"))
    )
