"""``netfence apply``: label namespaces and server-side apply the policies (manager netfence)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from netfence.cli.common import (
    EXIT_ENVIRONMENT,
    EXIT_FINDINGS,
    EXIT_USAGE,
    ContextOpt,
    KubeconfigOpt,
    TimeoutOpt,
    err,
    fail,
    out,
)
from netfence.cli.front import connect_or_exit, desired_or_exit, report_progress
from netfence.diff import compare
from netfence.report.apply_text import print_apply_plan
from netfence.report.diff_text import render_diff_text
from netfence.sanitize import clean

ApplySourceArg = Annotated[
    str | None,
    typer.Argument(
        help="What to apply (required): a blueprint file, builtin:NAME, or manifest files or "
        "folders (e.g. netfence plan's output).",
        show_default=False,
    ),
]
NO_SOURCE = (
    "netfence apply writes to a cluster and has no default: name what to apply, e.g. "
    "`netfence apply builtin:ai-mesh`, `netfence apply blueprint.yaml` or "
    "`netfence apply netfence-out/`"
)

APPLY_HELP = """Label namespaces and server-side apply the blueprint's policies (manager netfence).

Requires what to apply: there is no default blueprint. Prints the kube context, cluster
server and user it writes to and the plan (objects to create, change and prune, and the
connectivity that changes), then asks. Every change is dry-run on the server first: a
conflict with another field manager stops the run with nothing changed, unless --force.
Namespace labels and DNS allows go before deny-all policies, so an interrupted run never
cuts DNS.

Examples:

  netfence apply builtin:ai-mesh --dry-run

  netfence apply blueprint.yaml --yes --prune

  netfence apply rendered-policies/ --context staging
"""


def apply_command(
    source: ApplySourceArg = None,
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
    from netfence.cluster.apply import apply_plan, dns_proxy_warning, in_new_namespace
    from netfence.cluster.applyplan import model_of, plan_apply, projected
    from netfence.cluster.errors import ClusterError
    from netfence.cluster.snapshot import SnapshotOptions, take

    if source is None:
        fail(NO_SOURCE, EXIT_USAGE)
    desired = desired_or_exit(source)
    connection = connect_or_exit(kubeconfig, context, timeout)
    out.print(f"target: {clean(connection.target())}", markup=False)
    try:
        live = take(connection, SnapshotOptions(), report_progress)
        plan = plan_apply(desired, live, prune)
        if not plan.changes:
            applied = plan.count("unchanged")
            out.print(f"nothing to change: all {applied} objects of {desired.origin} are applied")
            return
        print_apply_plan(plan, connection.describe(), out)
        changes = compare(
            model_of(live, "live"),
            model_of(projected(live, plan), "planned"),
            old_label="live",
            new_label="planned",
        )
        out.print(render_diff_text(changes), markup=False, end="")
        proxy_off = dns_proxy_warning(connection, plan)
        if proxy_off is not None:
            err.print(f"netfence: warning: {clean(proxy_off)}", markup=False)
        if not (yes or dry_run) and not confirm(
            f"Apply {len(plan.changes)} changes to context {clean(connection.context) or '(none)'}?"
        ):
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


def register(app: typer.Typer) -> None:
    app.command("apply", help=APPLY_HELP)(apply_command)
