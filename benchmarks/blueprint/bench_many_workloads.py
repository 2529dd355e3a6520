"""Blueprint checks and generation with N workloads and N flows (should grow linearly).

python benchmarks/blueprint/bench_many_workloads.py [N...]   e.g. 400 800 1600
"""

from __future__ import annotations

import sys
import time
from typing import Any

import yaml

from netfence.blueprint import generate
from netfence.blueprint.loading import parse_blueprint


def blueprint(size: int) -> dict[str, Any]:
    def workload(namespace: str, name: str) -> dict[str, Any]:
        return {"namespace": namespace, "selector": {"app": name}, "ports": [80]}

    return {
        "apiVersion": "netfence.dev/v1alpha1",
        "kind": "Blueprint",
        "metadata": {"name": "many"},
        "namespaces": {"a": {"role": "gateway"}, "b": {"role": "inference"}},
        "workloads": {
            **{f"w{i}": workload("a", f"w{i}") for i in range(size)},
            **{f"v{i}": workload("b", f"v{i}") for i in range(size)},
        },
        "flows": [{"from": f"w{i}", "to": f"v{i}", "ports": [80]} for i in range(size)],
    }


def main(sizes: list[int]) -> None:
    for size in sizes:
        text = yaml.safe_dump(blueprint(size))
        start = time.perf_counter()
        parsed = parse_blueprint(text, "many.yaml")
        checked = time.perf_counter()
        generate(parsed).files()
        done = time.perf_counter()
        print(f"{size:>6} flows  checks {checked - start:6.2f} s  generate {done - checked:6.2f} s")


if __name__ == "__main__":
    main([int(n) for n in sys.argv[1:]] or [400, 800, 1600])
