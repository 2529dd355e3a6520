"""Time and peak memory of `netfence snapshot` of 20,000 pods on a real kube-apiserver.

Starts the tests' control plane (etcd + kube-apiserver from NETFENCE_K8S_BIN, built by
scripts/k8s-parts.sh), creates the pods as objects with their status set through the status
subresource, then takes the snapshot in a child process (so its peak memory is its own).

    NETFENCE_K8S_BIN=... python benchmarks/cluster/bench_snapshot_live.py [--pods 20000]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.controlplane.plane import ControlPlane, missing_binaries  # noqa: E402
from tests.controlplane.seed import add_namespace, add_pods, bulk_pod  # noqa: E402

NAMESPACES = 10


def snapshot(plane: ControlPlane, out: Path) -> tuple[float, float, int]:
    """Seconds, peak resident MiB and pods of one `netfence snapshot` run."""
    start = time.perf_counter()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "netfence",
            "snapshot",
            "--kubeconfig",
            str(plane.kubeconfig),
            "-o",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"snapshot failed: {result.stderr}")
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return elapsed, peak_mib, out.read_text().count("\nkind: Pod\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pods", type=int, default=20_000)
    args = parser.parse_args()
    folder = os.environ.get("NETFENCE_K8S_BIN")
    reason = missing_binaries(folder)
    if reason or not folder:
        raise SystemExit(reason)
    plane = ControlPlane(Path(folder))
    try:
        plane.start()
        print(f"control plane ready in {plane.startup_seconds:.1f} s")
        start = time.perf_counter()
        per_namespace = args.pods // NAMESPACES
        pods = []
        for n in range(NAMESPACES):
            add_namespace(plane, f"bench-{n}")
            pods += [bulk_pod(f"bench-{n}", n * per_namespace + i) for i in range(per_namespace)]
        created = add_pods(plane, pods)
        print(f"created {created} pods (+status) in {time.perf_counter() - start:.1f} s")
        elapsed, peak, listed = snapshot(plane, plane.folder / "snapshot.yaml")
        print(f"snapshot: {listed} pods in {elapsed:.1f} s, peak RSS {peak:.0f} MiB")
    finally:
        plane.stop()


if __name__ == "__main__":
    main()
