"""Timing of ``netfence diff`` and the HTML report's data on synthetic clusters.

Run: python3 benchmarks/diff/bench_diff_report.py   (prints a table; not a test)
"""

from __future__ import annotations

import time
from collections.abc import Callable

from netfence.diff import compare
from netfence.engine import Engine
from netfence.load import Document
from netfence.model import Cluster, build_cluster
from netfence.problems import Source
from netfence.report.html_data import report_data

NAMESPACES = 10


def manifests(pods: int, port: int) -> list[dict[str, object]]:
    """``pods`` pods over NAMESPACES namespaces; each namespace denies all and lets the next
    namespace's ``app: a0`` pods reach ``port``, plus egress to the internet on 443."""
    out: list[dict[str, object]] = []
    for n in range(NAMESPACES):
        ns = f"team-{n}"
        out.append({"kind": "Namespace", "metadata": {"name": ns, "labels": {"team": str(n)}}})
        out += [
            {
                "kind": "Pod",
                "metadata": {"name": f"app-{p}", "namespace": ns, "labels": {"app": f"a{p % 3}"}},
                "status": {"podIP": f"10.{n}.{p // 250}.{p % 250 + 1}"},
            }
            for p in range(pods // NAMESPACES)
        ]
        spec = {
            "podSelector": {"matchLabels": {"app": "a0"}},
            "ingress": [
                {
                    "from": [{"namespaceSelector": {"matchLabels": {"team": str((n + 1) % 10)}}}],
                    "ports": [{"port": port}],
                }
            ],
            "egress": [
                {
                    "to": [{"ipBlock": {"cidr": "0.0.0.0/0", "except": ["10.0.0.0/8"]}}],
                    "ports": [{"port": 443}],
                }
            ],
        }
        out.append(
            {"kind": "NetworkPolicy", "metadata": {"name": "allow", "namespace": ns}, "spec": spec}
        )
    return out


def cluster(pods: int, port: int) -> Cluster:
    docs = [Document(Source("bench", i, 0), m, {}) for i, m in enumerate(manifests(pods, port))]
    return build_cluster(docs)


def seconds(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> None:
    print(f"{'pods':>6} {'diff (s)':>10} {'report data (s)':>16}")
    for pods in (50, 100, 200, 400):
        old, new = cluster(pods, 8000), cluster(pods, 8080)
        diff_time = seconds(lambda o=old, n=new: compare(o, n))
        report_time = seconds(lambda n=new: report_data(Engine(n), [], [], "bench"))
        print(f"{pods:>6} {diff_time:>10.2f} {report_time:>16.2f}")


if __name__ == "__main__":
    main()
