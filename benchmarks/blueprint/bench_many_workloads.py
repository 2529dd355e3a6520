"""``netfence generate`` end to end with N workloads and N flows (should grow linearly).

python benchmarks/blueprint/bench_many_workloads.py [N...]   e.g. 400 800 1600
Each size is one process (reading and checking the blueprint, generating, writing the folder),
timed from start to exit, with its peak resident memory.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml


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
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "many.yaml"
            path.write_text(yaml.safe_dump(blueprint(size)))
            start = time.perf_counter()
            command = [sys.executable, "-m", "netfence", "generate", str(path)]
            subprocess.run([*command, "-o", f"{folder}/out"], capture_output=True, check=True)
            elapsed = time.perf_counter() - start
            files = len(list(Path(folder, "out").iterdir()))
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"{size:>6} flows  {elapsed:6.2f} s  {peak:6.0f} MiB  {files} files")


if __name__ == "__main__":
    main([int(n) for n in sys.argv[1:]] or [400, 800, 1600])
