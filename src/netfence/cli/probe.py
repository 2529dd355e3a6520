"""``netfence probe``: test connections live, from real pods, against the engine's prediction."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from netfence.cli.common import (
    EXIT_ENVIRONMENT,
    EXIT_FINDINGS,
    EXIT_USAGE,
    ContextOpt,
    FormatOpt,
    KubeconfigOpt,
    NamespacesOpt,
    OutputFormat,
    TimeoutOpt,
    err,
    fail,
    out,
    parse_port,
)
from netfence.cli.front import connect_or_exit, report_progress
from netfence.report.probe_json import probe_json
from netfence.report.probe_text import print_probe_plan, print_probe_results

PROBE_HELP = """Test connections live: from real pods, entered through ephemeral containers.

For every pair of pods and every port the destination serves, the engine predicts allowed
or blocked; netfence then connects (TCP) or asks DNS (UDP 53) from the source pod's own
network namespace and compares. Disagreements are retried to ride out enforcement lag.
Results are allowed, blocked, or could not test (with why). Exit 1 when any cell differs.

Examples:

  netfence probe --dry-run -n ai-inference -n ai-agents

  netfence probe --port 8000 --image registry.example.com/busybox:1.36
"""


def probe(
    namespaces: NamespacesOpt = None,
    ports: Annotated[
        list[str] | None,
        typer.Option("--port", "-p", help="Only these ports (number or name; repeatable)."),
    ] = None,
    image: Annotated[str, typer.Option("--image", help="Image of the probe container.")] = (
        "busybox:1.36"
    ),
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the probe plan; run nothing.")
    ] = False,
    max_probes: Annotated[
        int, typer.Option("--max-probes", min=1, help="At most this many.")
    ] = 500,
    probe_timeout: Annotated[
        float, typer.Option("--probe-timeout", min=0.5, help="Seconds per probe.")
    ] = 2.0,
    retries: Annotated[
        int, typer.Option("--retries", min=0, help="Retries of a probe that disagrees.")
    ] = 2,
    retry_delay: Annotated[
        float, typer.Option("--retry-delay", min=0.0, help="Seconds between retries.")
    ] = 2.0,
    output: FormatOpt = OutputFormat.text,
    kubeconfig: KubeconfigOpt = None,
    context: ContextOpt = None,
    timeout: TimeoutOpt = 15.0,
) -> None:
    from netfence.cluster.applyplan import model_of
    from netfence.cluster.errors import ClusterError
    from netfence.cluster.probe import ProbeOptions, compare_results, plan_probes, run_probes
    from netfence.cluster.probe_kube import KubeExecTransport
    from netfence.cluster.snapshot import SnapshotOptions, take
    from netfence.engine import Engine

    options = ProbeOptions(
        namespaces=tuple(namespaces or ()),
        ports=tuple(_probe_port(p) for p in ports or ()),
        max_probes=max_probes,
        timeout=probe_timeout,
        retries=retries,
        retry_delay=retry_delay,
    )
    connection = connect_or_exit(kubeconfig, context, timeout)
    try:
        live = take(connection, SnapshotOptions(), report_progress)
        plan = plan_probes(Engine(model_of(live, "live")), options)
        if plan.left_out:
            err.print(f"{plan.left_out} more probes left out by --max-probes", markup=False)
        if dry_run:
            print_probe_plan(plan.cases, out)
            return
        transport = KubeExecTransport(connection, image)
        results = run_probes(plan.cases, transport, options)
    except ClusterError as exc:
        fail(str(exc), EXIT_ENVIRONMENT)
    for line in transport.cleanup():
        err.print(f"cleanup: {line}", markup=False)
    comparisons = compare_results(results)
    differing = sum(len(c.differences) for c in comparisons)
    if output is OutputFormat.json:
        out.print_json(json.dumps(probe_json(results, differing)))
    else:
        print_probe_results(results, comparisons, out)
    if differing:
        raise typer.Exit(EXIT_FINDINGS)


def _probe_port(text: str) -> int | str:
    try:
        return parse_port(text)
    except ValueError as exc:
        fail(f"--port: {exc}", EXIT_USAGE)


def register(app: typer.Typer) -> None:
    app.command("probe", help=PROBE_HELP)(probe)
