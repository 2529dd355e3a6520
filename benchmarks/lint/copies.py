"""lint time with N identical copies of one policy (should grow linearly in N).

Run: python3 benchmarks/lint/copies.py [N...]   e.g. 50 100 200
"""

from __future__ import annotations

import copy
import sys
import time
from pathlib import Path

from netfence.lint import lint_cluster
from netfence.load import load_paths
from netfence.model import build_cluster

GUIDE = Path(__file__).resolve().parents[2] / "examples" / "guide-literal"


def main(sizes: list[int]) -> None:
    docs = load_paths([str(GUIDE)]).documents
    policy = next(d for d in docs if d.kind == "NetworkPolicy" and d.name == "allow-from-gateway")
    for size in sizes:
        copies = []
        for index in range(size):
            data = copy.deepcopy(policy.data)
            data["metadata"]["name"] = f"copy-{index}"
            copies.append(policy.item((), data))
        cluster = build_cluster([*docs, *copies])
        start = time.perf_counter()
        findings = lint_cluster(cluster)
        print(f"{size:>6} copies  {time.perf_counter() - start:8.2f} s  {len(findings)} findings")


if __name__ == "__main__":
    main([int(n) for n in sys.argv[1:]] or [50, 100, 200])
