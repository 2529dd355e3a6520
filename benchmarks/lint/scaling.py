"""Lint time per rule on seeded synthetic clusters (the engine benchmark's generator).

Run: python3 benchmarks/lint/scaling.py [SIZES...]   e.g. 50:10 100:20 200:40 (pods:policies)
Prints one row per rule: seconds at each size, and how many findings it reported.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "engine"))

from synthetic import synthetic_cluster

from netfence.lint import RULES, LintOptions, run_lint
from netfence.load import Document
from netfence.model import Cluster, build_cluster
from netfence.problems import Source

DEFAULT_SIZES = ("50:10", "100:20", "200:40")


def cluster_of(pods: int, policies: int) -> Cluster:
    synthetic = synthetic_cluster(pods, policies)
    manifests = (*synthetic.namespaces, *synthetic.pods, *synthetic.policies)
    return build_cluster(
        Document(Source("synthetic", i, 1), m, {}) for i, m in enumerate(manifests)
    )


def main(sizes: list[str]) -> None:
    clusters = {size: cluster_of(*map(int, size.split(":"))) for size in sizes}
    print(f"{'rule':<30}" + "".join(f"{size:>20}" for size in sizes))
    for rule in RULES:
        cells = []
        for cluster in clusters.values():
            start = time.perf_counter()
            report = run_lint(cluster, options=LintOptions(rules=frozenset({rule.id})))
            cells.append(f"{time.perf_counter() - start:8.2f}s {len(report.findings):>6} f")
        print(f"{rule.id:<30}" + "".join(f"{cell:>20}" for cell in cells), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:] or list(DEFAULT_SIZES))
