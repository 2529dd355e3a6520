"""``netfence verify``: the live policies against the expected ones; exit 1 on any drift."""

from __future__ import annotations

import json

import typer

from netfence.cli.common import (
    EXIT_ENVIRONMENT,
    EXIT_FINDINGS,
    ContextOpt,
    FormatOpt,
    KubeconfigOpt,
    OutputFormat,
    SourceArg,
    TimeoutOpt,
    fail,
    out,
)
from netfence.cli.front import connect_or_exit, desired_or_exit, report_progress

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
    from netfence.cluster.errors import ClusterError
    from netfence.cluster.snapshot import SnapshotOptions, take
    from netfence.cluster.verify import verify as verify_live
    from netfence.report.verify_json import verify_json
    from netfence.report.verify_text import print_verify

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
        print_verify(result, out)
    if result.drifted:
        raise typer.Exit(EXIT_FINDINGS)


def register(app: typer.Typer) -> None:
    app.command("verify", help=VERIFY_HELP)(verify)
