"""Every command end to end, as a user runs it, on seeded synthetic clusters: wall time and
peak memory of each ``netfence`` process (loading, computing and writing the output).

    python benchmarks/scale/bench_commands.py                      # 500/100 and 2000/400
    python benchmarks/scale/bench_commands.py --sizes 20000/4000 --timeout 300
    python benchmarks/scale/bench_commands.py --commands analyze,lint

The cluster comes from ``benchmarks/engine/synthetic.py`` (seeded); ``diff`` compares it with
a copy that lacks every tenth policy; the report goes to a file in a scratch folder. The
table is Markdown for benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "engine"))

from bench_matrix import measure, write_cluster

DEFAULT_SIZES = ("500/100", "2000/400")
COMMANDS: dict[str, list[str]] = {
    "validate": ["validate", "{cluster}"],
    "analyze": ["analyze", "{cluster}"],
    "analyze-class-json": ["analyze", "{cluster}", "--group", "class", "--format", "json"],
    "lint": ["lint", "{cluster}", "--format", "json"],
    "diff": ["diff", "{old}", "{cluster}", "--format", "json"],
    "report": ["report", "{cluster}", "-o", "{scratch}/report.html"],
}


def write_apart(folder: Path, pods: int, policies: int, seed: int, every: int) -> None:
    """``write_cluster`` in a process of its own: a command's peak memory (``wait4``'s
    ``ru_maxrss``) counts what its parent held when it started it (Linux keeps the larger
    of the two at ``exec``), so this process stays small."""
    spawn = multiprocessing.get_context("spawn")
    process = spawn.Process(target=write_cluster, args=(folder, pods, policies, seed, every))
    process.start()
    process.join()
    if process.exitcode != 0:
        raise SystemExit(f"writing the {pods}-pod cluster failed")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(DEFAULT_SIZES), help="PODS/POLICIES,...")
    parser.add_argument("--commands", default=",".join(COMMANDS), help="which, comma-separated")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per command")
    args = parser.parse_args()
    netfence = [sys.executable, "-m", "netfence"]
    print("| pods / policies | command | wall s | peak MiB | exit | output MiB |")
    print("|---|---|---|---|---|---|")
    for size in args.sizes.split(","):
        pods, policies = (int(n) for n in size.split("/"))
        with tempfile.TemporaryDirectory(prefix="netfence-scale-") as scratch:
            cluster, old = Path(scratch, "cluster"), Path(scratch, "old")
            write_apart(old, pods, policies, args.seed, 0)
            write_apart(cluster, pods, policies, args.seed, 10)
            names = {"cluster": str(cluster), "old": str(old), "scratch": scratch}
            for name in args.commands.split(","):
                command = netfence + [part.format(**names) for part in COMMANDS[name]]
                wall, peak, code, _ = measure(command, args.timeout, Path(scratch, "out"))
                written = Path(scratch, "out").stat().st_size
                if name == "report" and Path(scratch, "report.html").exists():
                    written = Path(scratch, "report.html").stat().st_size
                shown = f"> {args.timeout:.0f}" if code is None else f"{wall:.2f}"
                print(
                    f"| {pods:,} / {policies:,} | {name} | {shown} | {peak:.0f} | "
                    f"{'killed' if code is None else code} | {written / 2**20:.1f} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
