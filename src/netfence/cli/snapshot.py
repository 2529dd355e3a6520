"""``netfence snapshot``: the live cluster as one manifest file every offline command reads."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from netfence.cli.common import (
    EXIT_ENVIRONMENT,
    ContextOpt,
    KubeconfigOpt,
    NamespaceOpt,
    TimeoutOpt,
    err,
    fail,
    out,
)
from netfence.cli.front import connect_or_exit, report_progress
from netfence.cluster import PAGE_SIZE
from netfence.writes import write_text

SNAPSHOT_HELP = """Save the live cluster as one manifest file every offline command reads.

Namespaces, running pods (labels, IPs, container ports), workloads without pods,
services and NetworkPolicies, read in pages; with their CRDs served, the policy-tier,
Calico and Cilium (cilium.io/v2) policy kinds too, and kube-system's cilium-config (cluster
name, L7 proxy). The header and stderr say which Cilium kinds were listed. Large
clusters show progress on stderr.

Examples:

  netfence snapshot -o cluster.yaml

  netfence snapshot -n ai-inference -n ai-agents | netfence analyze -
"""


def snapshot(
    output_file: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")
    ] = None,
    namespaces: NamespaceOpt = None,
    kubeconfig: KubeconfigOpt = None,
    context: ContextOpt = None,
    timeout: TimeoutOpt = 15.0,
    page_size: Annotated[
        int, typer.Option("--page-size", min=1, help="Objects per list request.")
    ] = PAGE_SIZE,
) -> None:
    from netfence.cluster.errors import ClusterError
    from netfence.cluster.snapshot import SnapshotOptions, take, to_yaml

    connection = connect_or_exit(kubeconfig, context, timeout)
    options = SnapshotOptions(tuple(namespaces or ()), page_size)
    notes: list[str] = []
    try:
        manifests = take(connection, options, report_progress, note=notes.append)
    except ClusterError as exc:
        fail(str(exc), EXIT_ENVIRONMENT)
    text = to_yaml(manifests, connection, notes)
    if output_file is None:
        out.file.write(text)
    else:
        try:
            write_text(str(output_file), text)
        except OSError as exc:
            fail(f"cannot write {output_file}: {exc.strerror}", EXIT_ENVIRONMENT)
        err.print(f"wrote {len(manifests)} objects to {output_file}", markup=False)
    for line in notes:
        err.print(f"note: {line}", markup=False)


def register(app: typer.Typer) -> None:
    app.command("snapshot", help=SNAPSHOT_HELP)(snapshot)
