"""``netfence preflight``: will NetworkPolicies work here, and may netfence manage them?"""

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
    TimeoutOpt,
    fail,
    out,
)
from netfence.cli.front import connect_or_exit

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
    from netfence.cluster.errors import ClusterError
    from netfence.report.preflight_json import preflight_json
    from netfence.report.preflight_text import preflight_table

    connection = connect_or_exit(kubeconfig, context, timeout)
    try:
        checks = preflight_checks.evaluate(preflight_checks.gather(connection))
    except ClusterError as exc:
        fail(str(exc), EXIT_ENVIRONMENT)
    if output is OutputFormat.json:
        out.print_json(json.dumps(preflight_json(checks, connection.server)))
    else:
        out.print(preflight_table(checks, connection.describe()))
    if any(c.status == "fail" for c in checks):
        raise typer.Exit(EXIT_FINDINGS)


def register(app: typer.Typer) -> None:
    app.command("preflight", help=PREFLIGHT_HELP)(preflight)
