"""Lab benchmark: bring up and tear down N endpoints; probe the full N x N matrix on one port.

Run as root: ``python benchmarks/lab/bench_lab.py [--sizes 100 500] [--probe 100]``.
Endpoints are spread over 10 namespaces; every namespace has a deny-all policy and an allow
rule for pods of the same namespace plus one other namespace on port 80, so roughly a fifth
of the cells are allowed and the rest wait for the probe timeout.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import time

from netfence.lab.probe import measure
from netfence.lab.runs import probe_pairs
from netfence.lab.servers import Servers
from netfence.lab.session import Lab
from netfence.model import (
    Cluster,
    ContainerPort,
    Endpoint,
    LabelSelector,
    Namespace,
    NetworkPolicy,
    Peer,
    PolicyPort,
    Rule,
)
from netfence.vocabulary import NAMESPACE_NAME_LABEL

NAMESPACES = 10


def cluster(size: int) -> Cluster:
    """``size`` pods in 10 namespaces, each namespace isolated but for itself and a neighbour."""
    names = [f"ns{i}" for i in range(NAMESPACES)]
    namespaces = tuple(Namespace(n, ((NAMESPACE_NAME_LABEL, n),)) for n in names)
    base = int(ipaddress.IPv4Address("10.244.0.0"))
    endpoints = tuple(
        Endpoint(
            names[i % NAMESPACES],
            f"pod{i}",
            labels=(("app", f"app{i % 7}"),),
            ips=(ipaddress.IPv4Address(base + 10 + i),),
            ports=(ContainerPort(80, "TCP", "http"),),
        )
        for i in range(size)
    )
    policies = []
    for index, name in enumerate(names):
        neighbour = names[(index + 1) % NAMESPACES]
        peers = (
            Peer(pod_selector=LabelSelector()),
            Peer(namespace_selector=LabelSelector(((NAMESPACE_NAME_LABEL, neighbour),))),
        )
        rule = Rule(peers=peers, ports=(PolicyPort("TCP", "http"),))
        policies.append(
            NetworkPolicy(name, "allow-near", LabelSelector(), frozenset({"ingress"}), (rule,))
        )
    return Cluster(namespaces, endpoints, tuple(policies))


def up_down(size: int) -> tuple[float, float]:
    lab = Lab(cluster(size), purpose="benchmark")
    started = time.perf_counter()
    lab.__enter__()
    built = time.perf_counter()
    lab.close()
    return built - started, time.perf_counter() - built


async def _probe(lab: Lab, timeout: float) -> tuple[int, int, float]:
    servers = Servers(lab.entry)
    pairs = probe_pairs(lab.topology.nodes)
    started = time.perf_counter()
    try:
        cells = await measure(lab.entry, servers, pairs, 80, "TCP", timeout)
    finally:
        await servers.close()
    allowed = sum(1 for c in cells if c.allowed)
    return len(cells), allowed, time.perf_counter() - started


def probe(size: int, timeout: float) -> tuple[int, int, float]:
    with Lab(cluster(size), purpose="benchmark") as lab:
        return asyncio.run(_probe(lab, timeout))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="*", default=[100, 500])
    parser.add_argument("--probe", type=int, default=100)
    parser.add_argument("--timeout", type=float, default=1.0)
    args = parser.parse_args()
    print(f"{'endpoints':>10} {'up (s)':>8} {'down (s)':>9}")
    for size in args.sizes:
        up, down = up_down(size)
        print(f"{size:>10} {up:>8.2f} {down:>9.2f}")
    if args.probe:
        cells, allowed, seconds = probe(args.probe, args.timeout)
        print(
            f"probe {args.probe}x{args.probe} on 80/TCP: {cells} cells, {allowed} allowed, "
            f"{seconds:.2f} s (timeout {args.timeout} s)"
        )


if __name__ == "__main__":
    main()
