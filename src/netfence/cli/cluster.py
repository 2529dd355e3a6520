"""Commands against a live cluster: preflight, snapshot, apply, verify, probe.

The official ``kubernetes`` client takes about a second to import, so the modules that use
it are imported inside the commands: other netfence commands do not pay for it.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from netfence.cli.common import (
    EXIT_ENVIRONMENT,
    EXIT_FINDINGS,
    EXIT_USAGE,
    ContextOpt,
    KubeconfigOpt,
    OutputFormat,
    err,
    fail,
    out,
    parse_port,
    print_problems,
)
from netfence.cluster import PAGE_SIZE
from netfence.cluster.applyplan import ApplyPlan, model_of, plan_apply, projected
from netfence.cluster.desired import DesiredState, desired_state
from netfence.cluster.errors import ClusterError
from netfence.cluster.verify import VerifyResult
from netfence.cluster.verify import verify as verify_live
from netfence.diff import compare
from netfence.load import Document
from netfence.problems import InputError
from netfence.report.comparison_text import comparison_table
from netfence.report.diff_text import render_diff_text
from netfence.writes import write_text

if TYPE_CHECKING:
    from netfence.cluster.connect import Connection
    from netfence.cluster.probe import ProbeCase, ProbeResult


TimeoutOpt = Annotated[
    float, typer.Option("--request-timeout", min=0.1, help="Seconds to wait for each request.")
]
NamespacesOpt = Annotated[
    list[str] | None,
    typer.Option("--namespace", "-n", help="Only these namespaces (repeatable; default all)."),
]
FormatOpt = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]

STATUS_STYLE = {"pass": "green", "warn": "yellow", "fail": "red"}


def register(app: typer.Typer) -> None:
    app.command("preflight", help=PREFLIGHT_HELP)(preflight)
    app.command("snapshot", help=SNAPSHOT_HELP)(snapshot)
    app.command("apply", help=APPLY_HELP)(apply)
    app.command("verify", help=VERIFY_HELP)(verify)
    app.command("probe", help=PROBE_HELP)(probe)


def report_progress(kind: str, listed: int, total: int | None) -> None:
    """One stderr line per page of a list that spans several pages."""
    err.print(f"listed {listed}/{total if total is not None else '?'} {kind}", markup=False)


def connect_or_exit(kubeconfig: str | None, context: str | None, timeout: float) -> Connection:
    from netfence.cluster.connect import ConnectOptions, connect

    try:
        return connect(ConnectOptions(kubeconfig=kubeconfig, context=context, timeout=timeout))
    except ClusterError as exc:
        fail(str(exc), EXIT_ENVIRONMENT)


def cluster_documents_or_exit(
    kubeconfig: str | None = None,
    context: str | None = None,
    namespaces: Sequence[str] = (),
    timeout: float = 15.0,
) -> list[Document]:
    """What ``--cluster`` reads: the live cluster as Documents; exit 3 on cluster errors."""
    from netfence.cluster.connect import ConnectOptions
    from netfence.cluster.snapshot import read_cluster

    options = ConnectOptions(kubeconfig=kubeconfig, context=context, timeout=timeout)
    try:
        return read_cluster(options, namespaces, progress=report_progress)
    except ClusterError as exc:
        fail(str(exc), EXIT_ENVIRONMENT)


PREFLIGHT_HELP = """Check that NetworkPolicies will work here and that netfence may manage them.

Checks the networking.k8s.io/v1 API, which CNI runs and whether it enforces policies,
NodeLocal DNSCache, pod and service CIDRs, and RBAC. Exit 1 on any failed check,
3 when the cluster cannot be reached.

Examples:

  netfence preflight

  netfence preflight --context prod --format json
"""


def preflight(
    kubeconfig: KubeconfigOpt = None,
    context: ContextOpt = None,
    timeout: TimeoutOpt = 15.0,
    output: FormatOpt = OutputFormat.text,
) -> None:
    from netfence.cluster import preflight as preflight_checks

    connection = connect_or_exit(kubeconfig, context, timeout)
    try:
        checks = preflight_checks.evaluate(preflight_checks.gather(connection))
    except ClusterError as exc:
        fail(str(exc), EXIT_ENVIRONMENT)
    if output is OutputFormat.json:
        rows = [
            {"check": c.name, "status": c.status, "detail": c.detail, "fix": c.fix} for c in checks
        ]
        out.print_json(json.dumps({"server": connection.server, "checks": rows}))
    else:
        table = Table(title=f"preflight: {connection.describe()}")
        for column in ("check", "result", "detail", "fix"):
            table.add_column(column)
        for c in checks:
            style = STATUS_STYLE[c.status]
            table.add_row(c.name, f"[{style}]{c.status}[/{style}]", c.detail, c.fix)
        out.print(table)
    if any(c.status == "fail" for c in checks):
        raise typer.Exit(EXIT_FINDINGS)


SNAPSHOT_HELP = """Save the live cluster as one manifest file every offline command reads.

Namespaces, running pods (labels, IPs, container ports), workloads without pods,
services and NetworkPolicies, read in pages. Large clusters show progress on stderr.

Examples:

  netfence snapshot -o cluster.yaml

  netfence snapshot -n ai-inference -n ai-agents | netfence analyze -
"""


def snapshot(
    output_file: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")
    ] = None,
    namespaces: NamespacesOpt = None,
    kubeconfig: KubeconfigOpt = None,
    context: ContextOpt = None,
    timeout: TimeoutOpt = 15.0,
    page_size: Annotated[
        int, typer.Option("--page-size", min=1, help="Objects per list request.")
    ] = PAGE_SIZE,
) -> None:
    from netfence.cluster.snapshot import SnapshotOptions, take, to_yaml

    connection = connect_or_exit(kubeconfig, context, timeout)
    options = SnapshotOptions(tuple(namespaces or ()), page_size)
    try:
        manifests = take(connection, options, report_progress)
    except ClusterError as exc:
        fail(str(exc), EXIT_ENVIRONMENT)
    text = to_yaml(manifests, connection)
    if output_file is None:
        out.file.write(text)
    else:
        try:
            write_text(str(output_file), text)
        except OSError as exc:
            fail(f"cannot write {output_file}: {exc.strerror}", EXIT_ENVIRONMENT)
        err.print(f"wrote {len(manifests)} objects to {output_file}", markup=False)


SourceArg = Annotated[
    str | None,
    typer.Argument(
        help="Blueprint file, or a folder of manifests (default: the built-in ai-mesh blueprint)."
    ),
]


def desired_or_exit(source: str | None) -> DesiredState:
    try:
        return desired_state(source)
    except InputError as exc:
        print_problems(exc.problems)
        raise typer.Exit(EXIT_FINDINGS) from None


def print_plan(plan: ApplyPlan, connection: Connection) -> None:
    table = Table(title=f"apply plan for {connection.describe()}")
    for column in ("action", "object", "detail"):
        table.add_column(column)
    for step in plan.changes:
        table.add_row(step.action, step.ident, step.detail)
    out.print(table)
    out.print(
        f"{plan.count('create')} to create, {plan.count('change')} to change, "
        f"{plan.count('prune')} to prune, {plan.count('unchanged')} unchanged",
        markup=False,
    )


APPLY_HELP = """Label namespaces and server-side apply the blueprint's policies (manager netfence).

Prints the plan first (objects to create, change and prune, and the connectivity that
changes), then asks. Every change is dry-run on the server first: a conflict with another
field manager stops the run with nothing changed, unless --force. Namespace labels and
DNS allows go before deny-all policies, so an interrupted run never cuts DNS.

Examples:

  netfence apply --dry-run

  netfence apply blueprint.yaml --yes --prune

  netfence apply rendered-policies/ --context staging
"""


def apply(
    source: SourceArg = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Server-side dry run only; change nothing.")
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask before applying.")] = False,
    prune: Annotated[
        bool,
        typer.Option("--prune", help="Delete netfence-managed policies the source no longer has."),
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Take over fields owned by other field managers.")
    ] = False,
    kubeconfig: KubeconfigOpt = None,
    context: ContextOpt = None,
    timeout: TimeoutOpt = 15.0,
) -> None:
    from netfence.cluster.apply import apply_plan, in_new_namespace
    from netfence.cluster.snapshot import SnapshotOptions, take

    desired = desired_or_exit(source)
    connection = connect_or_exit(kubeconfig, context, timeout)
    try:
        live = take(connection, SnapshotOptions(), report_progress)
        plan = plan_apply(desired, live, prune)
        if not plan.changes:
            applied = plan.count("unchanged")
            out.print(f"nothing to change: all {applied} objects of {desired.origin} are applied")
            return
        print_plan(plan, connection)
        changes = compare(
            model_of(live, "live"),
            model_of(projected(live, plan), "planned"),
            old_label="live",
            new_label="planned",
        )
        out.print(render_diff_text(changes), markup=False, end="")
        if not (yes or dry_run) and not confirm(f"Apply {len(plan.changes)} changes?"):
            asked = "" if sys.stdin.isatty() else " (no terminal to ask on: pass --yes)"
            fail(f"nothing was changed{asked}", EXIT_FINDINGS)
        outcome = apply_plan(
            connection,
            plan,
            dry_run=dry_run,
            force=force,
            on_step=lambda step: out.print(f"{step.action}: {step.ident}", markup=False),
        )
    except ClusterError as exc:
        fail(str(exc), EXIT_ENVIRONMENT)
    if outcome.conflicts:
        for conflict in outcome.conflicts:
            for line in conflict.fields:
                err.print(f"conflict: {conflict.step.ident}: {line}", markup=False)
        fail("nothing was changed; rerun with --force to take over these fields", EXIT_FINDINGS)
    if dry_run:
        unchecked = len(in_new_namespace(plan))
        checked = len(plan.changes) - unchecked
        note = f" ({unchecked} in namespaces not created yet)" if unchecked else ""
        out.print(f"server-side dry run accepted {checked} changes{note}; nothing changed")


def confirm(question: str) -> bool:
    """Ask on the terminal; no answer (end of input) counts as no."""
    try:
        return typer.confirm(question, default=False)
    except typer.Abort:
        return False


VERIFY_HELP = """Compare the live policies with the expected ones; exit 1 on any drift.

Counts policies per namespace, lists missing, extra and differing objects and unset
namespace labels, and shows the connectivity that differs (engine diff of the live
cluster against the live workloads under the expected policies).

Examples:

  netfence verify

  netfence verify blueprint.yaml --format json
"""


def verify(
    source: SourceArg = None,
    kubeconfig: KubeconfigOpt = None,
    context: ContextOpt = None,
    timeout: TimeoutOpt = 15.0,
    output: FormatOpt = OutputFormat.text,
) -> None:
    from netfence.cluster.snapshot import SnapshotOptions, take

    desired = desired_or_exit(source)
    connection = connect_or_exit(kubeconfig, context, timeout)
    try:
        live = take(connection, SnapshotOptions(), report_progress)
    except ClusterError as exc:
        fail(str(exc), EXIT_ENVIRONMENT)
    result = verify_live(desired, live)
    if output is OutputFormat.json:
        out.print_json(json.dumps(verify_json(result)))
    else:
        print_verify(result)
    if result.drifted:
        raise typer.Exit(EXIT_FINDINGS)


def verify_json(result: VerifyResult) -> dict[str, object]:
    return {
        "drifted": result.drifted,
        "namespaces": [asdict(c) for c in result.counts],
        "objects": [asdict(d) for d in result.drift],
        "connectivity": [
            {
                "change": c.kind,
                "from": c.src,
                "to": c.dst,
                "protocol": c.protocol,
                "ports": str(c.ports),
            }
            for c in result.connectivity.changes
        ],
    }


def print_verify(result: VerifyResult) -> None:
    table = Table(title="policies per namespace")
    for column in ("namespace", "live", "expected", "managed by netfence"):
        table.add_column(column)
    for c in result.counts:
        table.add_row(c.namespace, str(c.live), str(c.expected), str(c.managed))
    out.print(table)
    for d in result.drift:
        out.print(f"{d.kind}: {d.ident}{': ' + d.detail if d.detail else ''}", markup=False)
    if result.connectivity.changes:
        out.print(render_diff_text(result.connectivity), markup=False, end="")
    out.print("drift found" if result.drifted else "no drift: live policies match")


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
    from netfence.cluster.probe import ProbeOptions, plan_probes, run_probes
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
            print_probe_plan(plan.cases)
            return
        transport = KubeExecTransport(connection, image)
        results = run_probes(plan.cases, transport, options)
    except ClusterError as exc:
        fail(str(exc), EXIT_ENVIRONMENT)
    for line in transport.cleanup():
        err.print(f"cleanup: {line}", markup=False)
    report_probe_results(results, output)


def print_probe_plan(cases: Sequence[ProbeCase]) -> None:
    table = Table(title="probe plan")
    for column in ("from", "to", "address", "port", "engine expects", "how"):
        table.add_column(column)
    for case in cases:
        how = f"could not test: {case.untestable}" if case.untestable else case.kind
        expected = "allowed" if case.expected else "blocked"
        table.add_row(
            case.src.id,
            case.dst.id,
            str(case.ip or "-"),
            f"{case.port}/{case.protocol}",
            expected,
            how,
        )
    out.print(table)
    out.print(f"{len(cases)} probes planned; nothing was run")


def _probe_port(text: str) -> int | str:
    try:
        return parse_port(text)
    except ValueError as exc:
        fail(f"--port: {exc}", EXIT_USAGE)


def report_probe_results(results: Sequence[ProbeResult], output: OutputFormat) -> None:
    """The comparison table (the lab's shape), then every disagreement; exit 1 on any."""
    from netfence.cluster.probe import compare_results

    comparisons = compare_results(results)
    differing = sum(len(c.differences) for c in comparisons)
    if output is OutputFormat.json:
        rows = [
            {
                "from": r.case.src.id,
                "to": r.case.dst.id,
                "ip": str(r.case.ip) if r.case.ip else None,
                "port": r.case.port,
                "protocol": r.case.protocol,
                "expected": "allowed" if r.case.expected else "blocked",
                "measured": r.outcome,
                "why": r.why,
                "attempts": r.attempts,
            }
            for r in results
        ]
        out.print_json(json.dumps({"differing": differing, "probes": rows}))
    else:
        out.print(comparison_table(comparisons, "cluster"))
        for r in results:
            if r.outcome == "could not test":
                out.print(
                    f"could not test {r.case.src.id} -> {r.case.dst.id} "
                    f"{r.case.port}/{r.case.protocol}: {r.why}",
                    markup=False,
                )
            elif not r.agrees:
                expected = "allows" if r.case.expected else "blocks"
                out.print(
                    f"DIFF {r.case.port}/{r.case.protocol}: {r.case.src.id} -> {r.case.dst.id}: "
                    f"engine {expected}, cluster {r.outcome} after {r.attempts} attempt(s)",
                    markup=False,
                )
    if differing:
        raise typer.Exit(EXIT_FINDINGS)
