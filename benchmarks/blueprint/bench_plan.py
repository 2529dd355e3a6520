"""Wall time of `netfence plan`'s proof for the built-in ai-mesh blueprint on clusters with
many replicas per workload (the proof checks every ordered pair, both ipBlock readings).

    python benchmarks/blueprint/bench_plan.py
    python benchmarks/blueprint/bench_plan.py --replicas 1 10 100
"""

from __future__ import annotations

import argparse
import dataclasses
import ipaddress
import time

from netfence.blueprint import builtin, make_plan, synthesize
from netfence.blueprint.plan import synthesized_cluster
from netfence.model import Cluster, Endpoint

DEFAULT_REPLICAS = (1, 10, 50, 100)


def replicated(cluster: Cluster, replicas: int) -> Cluster:
    """Every stand-in pod ``replicas`` times, each with its own pod address."""
    pods: list[Endpoint] = []
    for index, endpoint in enumerate(cluster.endpoints):
        for replica in range(replicas):
            address = ipaddress.ip_address("10.244.0.0") + 256 * index + replica + 1
            pods.append(
                dataclasses.replace(endpoint, name=f"{endpoint.name}-{replica}", ips=(address,))
            )
    return dataclasses.replace(cluster, endpoints=tuple(pods))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--replicas", type=int, nargs="+", default=DEFAULT_REPLICAS)
    args = parser.parse_args()
    bp = builtin()
    base = synthesized_cluster(bp)
    print(f"stand-in pods per replica set: {sum(m['kind'] == 'Pod' for m in synthesize(bp))}")
    print(f"{'replicas':>8} {'pods':>6} {'pairs':>9} {'seconds':>8} {'holds':>6}")
    for replicas in args.replicas:
        cluster = replicated(base, replicas)
        start = time.perf_counter()
        plan = make_plan(bp, cluster)
        elapsed = time.perf_counter() - start
        pairs = plan.proof.pairs if plan.proof else 0
        pods = len(cluster.endpoints)
        print(f"{replicas:>8} {pods:>6} {pairs:>9} {elapsed:>8.2f} {plan.holds!s:>6}")


if __name__ == "__main__":
    main()
