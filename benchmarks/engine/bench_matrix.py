"""Wall time and peak memory of netfence's full connectivity matrix (every pod pair, every
declared port/protocol) on seeded synthetic clusters, optionally beside network-config-analyzer.

    python benchmarks/engine/bench_matrix.py                 # netfence only, all sizes
    python benchmarks/engine/bench_matrix.py --sizes 2000/400 --nca   # with nca (10 min cap)

Each measurement runs in its own process so peak memory (max RSS) is that run's alone.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import synthetic_cluster

DEFAULT_SIZES = ("500/100", "2000/400", "5000/1000", "20000/4000")
NCA_TIMEOUT = 600.0


def write_cluster(directory: Path, pods: int, policies: int, seed: int, every: int = 0) -> None:
    """The synthetic cluster as three YAML files (the layout nca's options expect); ``every``
    > 0 leaves out every n-th policy."""
    cluster = synthetic_cluster(pods, policies, seed)
    kept = [p for i, p in enumerate(cluster.policies) if not every or i % every]
    directory.mkdir(parents=True, exist_ok=True)
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    for name, documents in (
        ("namespaces.yaml", cluster.namespaces),
        ("pods.yaml", cluster.pods),
        ("policies.yaml", kept),
    ):
        with open(directory / name, "w") as handle:
            yaml.dump_all(documents, handle, Dumper=dumper, sort_keys=False)


def measure(
    command: list[str], timeout: float, into: Path | None = None
) -> tuple[float, float, int | None, str]:
    """Run ``command``; wall seconds, its peak RSS in MiB, exit code (None: timed out), stdout
    (written to ``into`` instead, when given, so that this process stays small: Linux counts
    a parent's memory in the peak of the children it starts)."""
    start = time.perf_counter()
    with open(into, "wb") if into else contextlib.nullcontext() as sink:
        process = subprocess.Popen(
            command,
            stdout=sink or subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=sink is None,
        )
        timer = threading.Timer(timeout, process.kill)
        timer.start()
        output = process.stdout.read() if process.stdout is not None else ""
        _, status, usage = os.wait4(process.pid, 0)
    timer.cancel()
    wall = time.perf_counter() - start
    timed_out = os.WIFSIGNALED(status) and wall >= timeout
    code = None if timed_out else os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss / 1024, code, output


def run_netfence(directory: Path) -> dict[str, Any]:
    """In this process: load, build the engine, compute every served port's matrix."""
    from netfence.engine import Engine
    from netfence.engine.analysis import served_queries
    from netfence.inputs import InputOptions, read_inputs

    start = time.perf_counter()
    inputs = read_inputs([str(directory)], InputOptions())
    if inputs.errors:
        raise SystemExit("\n".join(p.render() for p in inputs.errors))
    loaded = time.perf_counter()
    engine = Engine(inputs.cluster)
    queries = served_queries(inputs.cluster.endpoints)
    allowed = 0
    for port, protocol in queries:
        allowed += int(engine.matrix(port, protocol).allowed.sum())
    done = time.perf_counter()
    return {
        "load_s": loaded - start,
        "matrix_s": done - loaded,
        "endpoints": len(engine.endpoints),
        "externals": len(engine.externals),
        "queries": len(queries),
        "allowed_cells": allowed,
    }


def nca_command(nca: str, directory: Path) -> list[str]:
    return [
        nca,
        "--connectivity", str(directory / "policies.yaml"),
        "--ns_list", str(directory / "namespaces.yaml"),
        "--pod_list", str(directory / "pods.yaml"),
        "--output_endpoints", "pods",
        "-o", "txt_no_fw_rules",
    ]  # fmt: skip


def find_nca() -> str | None:
    candidates = [
        os.environ.get("NETFENCE_NCA"),
        str(Path.home() / ".cache/netfence/nca-venv/bin/nca"),
    ]
    return next((c for c in candidates if c and Path(c).is_file()), None) or shutil.which("nca")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--sizes", nargs="*", default=list(DEFAULT_SIZES), help="PODS/POLICIES")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--nca", action="store_true", help="also time network-config-analyzer")
    parser.add_argument("--nca-timeout", type=float, default=NCA_TIMEOUT)
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_netfence(args.one)))
        return
    nca = find_nca() if args.nca else None
    if args.nca and nca is None:
        print("nca not found ($NETFENCE_NCA or ~/.cache/netfence/nca-venv/bin/nca): skipping it")
    columns = ("pods/policies", "endpoints", "ports", "load s", "matrix s", "peak MiB")
    header = " ".join(f"{c:>{w}}" for c, w in zip(columns, (14, 9, 5, 7, 8, 8), strict=True))
    print(header + ("  |   nca s  nca MiB" if nca else ""))
    for size in args.sizes:
        pods, policies = (int(part) for part in size.split("/"))
        with tempfile.TemporaryDirectory(prefix="netfence-bench-") as temp:
            directory = Path(temp)
            write_cluster(directory, pods, policies, args.seed)
            command = [sys.executable, __file__, "--one", str(directory)]
            _, peak, code, output = measure(command, timeout=3600)
            if code != 0:
                print(f"{size:>14} netfence failed (exit {code})")
                continue
            result = json.loads(output)
            line = (
                f"{size:>14} {result['endpoints']:>9} {result['queries']:>5} "
                f"{result['load_s']:>7.2f} {result['matrix_s']:>8.2f} {peak:>8.0f}"
            )
            if nca:
                wall, nca_peak, nca_code, _ = measure(nca_command(nca, directory), args.nca_timeout)
                line += (
                    f"  | > {args.nca_timeout:.0f} s"
                    if nca_code is None
                    else f"  | {wall:>7.1f} {nca_peak:>8.0f}"
                )
            print(line, flush=True)


if __name__ == "__main__":
    main()
