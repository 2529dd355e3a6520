"""``netfence diff``: what connectivity changes between two policy sets."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Annotated

import typer

from netfence.cli.common import (
    EXIT_FINDINGS,
    EXIT_USAGE,
    ClusterSideOpt,
    ContextOpt,
    ExcludeOpt,
    KubeconfigOpt,
    MaxBytesOpt,
    NamespaceOpt,
    PodCidrOpt,
    Reading,
    ReadingOpt,
    ResolveOpt,
    StrictFilesOpt,
    ValidateMode,
    ValidateOpt,
    VerboseOpt,
    engine_options,
    fail,
    input_options,
)
from netfence.cli.front import announce, cluster_side, side_or_exit
from netfence.cli.progress import Phases, progress_bar
from netfence.diff import DiffResult, compare
from netfence.diff.grouped import AUTO_LIMIT
from netfence.diff.sides import EndpointChoice, pair_sides
from netfence.engine.possible import has_policies
from netfence.load import Limits, ParsedTexts
from netfence.report.diff_json import diff_json_pieces
from netfence.report.diff_md import render_diff_md
from netfence.report.diff_text import render_diff_text

DIFF_HELP = """What connectivity changes between two policy sets: connections added and removed.

OLD and NEW are manifest files or folders, blueprint files, or builtin:NAME; with --cluster,
OLD is the live cluster and only NEW is given. Exact: every port, protocol and address.
A side without real workloads (policies only, or a blueprint's stand-ins) is
evaluated on the other side's (see --endpoints).
A big diff is grouped by workload or namespace (see --group); each grouped record counts
the pod pairs that change so.
Exit 1 when --fail-on-new-egress or --fail-on-new-ingress finds an added connection.

Examples:

  netfence diff main/policies/ policies/

  netfence diff examples/guide-literal builtin:ai-mesh --format md

  netfence diff --cluster policies/ --fail-on-new-egress

  netfence diff main/ pr/ --group pod --format json     # every pod pair, however many
"""


class DiffGroup(StrEnum):
    auto = "auto"
    pod = "pod"
    workload = "workload"
    namespace = "namespace"


class DiffFormat(StrEnum):
    text = "text"
    json = "json"
    md = "md"


RENDERERS: dict[DiffFormat, Callable[[DiffResult], str]] = {
    DiffFormat.text: render_diff_text,
    DiffFormat.md: render_diff_md,
}
"""The formats written at once (JSON is written piece by piece: ``diff_json_pieces``)."""

SidesArg = Annotated[
    list[str] | None,
    typer.Argument(metavar="OLD NEW", help="The two sides (only NEW with --cluster)."),
]


def register(app: typer.Typer) -> None:
    app.command("diff", help=DIFF_HELP)(diff_command)


def diff_command(
    specs: SidesArg = None,
    cluster: ClusterSideOpt = False,
    output: Annotated[DiffFormat, typer.Option("--format", "-f", help="Output format.")] = (
        DiffFormat.text
    ),
    fail_on_new_egress: Annotated[
        bool,
        typer.Option("--fail-on-new-egress", help="Exit 1 if a workload may send anything new."),
    ] = False,
    fail_on_new_ingress: Annotated[
        bool,
        typer.Option(
            "--fail-on-new-ingress", help="Exit 1 if a workload may receive anything new."
        ),
    ] = False,
    group: Annotated[
        DiffGroup,
        typer.Option(
            "--group",
            help="What a record's ends are: pods, workloads or namespaces (external ranges "
            f"always their own); auto: pods while at most {AUTO_LIMIT:,} records, else "
            "workloads while at most that many, else namespaces. Grouped records count the "
            "member pairs that change.",
        ),
    ] = DiffGroup.auto,
    endpoints: Annotated[
        EndpointChoice,
        typer.Option(
            "--endpoints",
            help="Workloads to evaluate both sides on: each side its own (a side without real "
            "ones borrows the other's), or the old or the new side's.",
        ),
    ] = EndpointChoice.own,
    kubeconfig: KubeconfigOpt = None,
    context: ContextOpt = None,
    namespace: NamespaceOpt = None,
    max_bytes: MaxBytesOpt = Limits().max_bytes,
    validate: ValidateOpt = ValidateMode.connectivity,
    exclude: ExcludeOpt = None,
    strict_files: StrictFilesOpt = False,
    reading: ReadingOpt = Reading.match,
    pod_cidr: PodCidrOpt = None,
    resolve: ResolveOpt = None,
    verbose: VerboseOpt = False,
) -> None:
    specs = specs or []
    if len(specs) != (1 if cluster else 2):
        fail("give OLD and NEW, or --cluster and NEW", EXIT_USAGE)
    options = input_options(namespace, max_bytes, validate, exclude, strict_files)
    phase = Phases(verbose)
    with phase("load"):
        parsed = ParsedTexts()  # a file both sides share is parsed once
        old = (
            cluster_side(kubeconfig, context, options)
            if cluster
            else side_or_exit(specs[0:1], options, parsed)
        )
        new = side_or_exit(specs[-1:], options, parsed)
    for side in (old, new):
        announce(side, verbose)
    if not any(has_policies(s.cluster) or s.cluster.endpoints for s in (old, new)):
        fail("nothing to evaluate: neither side holds policies or workloads", EXIT_FINDINGS)
    old, new = pair_sides(old, new, endpoints)
    with phase("engine"), progress_bar("comparing connections") as progress:
        result = compare(
            old.cluster,
            new.cluster,
            old_label=old.label,
            new_label=new.label,
            options=engine_options(reading, pod_cidr, resolve),
            progress=progress,
            group=group.value,
        )
    with phase("render", writes=True):
        if output is DiffFormat.json:  # written piece by piece: a big diff is 100s of MB
            for piece in diff_json_pieces(result):
                typer.echo(piece, nl=False)
        else:
            typer.echo(RENDERERS[output](result), nl=False)
    if (fail_on_new_egress and result.new_egress) or (fail_on_new_ingress and result.new_ingress):
        raise typer.Exit(EXIT_FINDINGS)
