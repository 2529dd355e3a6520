"""``netfence lint`` end to end with N identical copies of one policy (should grow linearly).

Run: python3 benchmarks/lint/copies.py [N...]   e.g. 50 100 200
Each size is one ``netfence lint DIR --format json`` process, timed from start to exit
(loading, linting and writing the findings), with its peak resident memory.
"""

from __future__ import annotations

import copy
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

GUIDE = Path(__file__).resolve().parents[2] / "examples" / "guide-literal"


def copies_of_one_policy(size: int) -> list[dict[str, object]]:
    """``size`` copies (renamed) of the guide's allow-from-gateway policy."""
    for path in sorted(GUIDE.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc and doc.get("metadata", {}).get("name") == "allow-from-gateway":
                policy: dict[str, object] = doc
                break
    out = []
    for index in range(size):
        data = copy.deepcopy(policy)
        data["metadata"] = {**data["metadata"], "name": f"copy-{index}"}  # type: ignore[dict-item]
        out.append(data)
    return out


def run(size: int) -> tuple[float, float, int]:
    """Seconds, peak MiB and the number of findings of one lint run."""
    with tempfile.TemporaryDirectory() as folder:
        extra = Path(folder) / "copies.yaml"
        extra.write_text(yaml.safe_dump_all(copies_of_one_policy(size)))
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "netfence", "lint", str(GUIDE), str(extra), "--format", "json"],
            capture_output=True,
            text=True,
            check=False,
        )
        elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return elapsed, peak, len(json.loads(done.stdout)["findings"])


def main(sizes: list[int]) -> None:
    for size in sizes:
        elapsed, peak, findings = run(size)
        print(f"{size:>6} copies  {elapsed:7.2f} s  {peak:7.0f} MiB  {findings} findings")


if __name__ == "__main__":
    main([int(n) for n in sys.argv[1:]] or [50, 100, 200])
