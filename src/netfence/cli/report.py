"""``netfence report`` (a self-contained HTML page) and ``netfence diff`` (connectivity changes)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import Annotated, NoReturn

import typer
from rich.progress import Progress as RichProgress

from netfence.cli.cluster import cluster_documents_or_exit
from netfence.cli.common import (
    EXIT_ENVIRONMENT,
    EXIT_FINDINGS,
    EXIT_USAGE,
    ContextOpt,
    ExcludeOpt,
    KubeconfigOpt,
    MaxBytesOpt,
    NamespaceOpt,
    Reading,
    ReadingOpt,
    StrictFilesOpt,
    ValidateMode,
    ValidateOpt,
    VerboseOpt,
    err,
    fail,
    input_options,
    print_notes,
    print_problems,
)
from netfence.diff import DiffResult, compare
from netfence.diff.compare import Progress
from netfence.diff.sides import EndpointChoice, Side, documents_side, pair_sides, read_side
from netfence.engine import Engine, EngineOptions
from netfence.inputs import InputOptions
from netfence.lint import lint_cluster
from netfence.load import Limits
from netfence.problems import InputError
from netfence.report.diff_json import render_diff_json
from netfence.report.diff_md import render_diff_md
from netfence.report.diff_text import render_diff_text
from netfence.report.html import render_html
from netfence.report.html_data import report_data
from netfence.report.not_evaluated import not_evaluated_lines
from netfence.writes import write_text

REPORT_HELP = """Write one self-contained HTML report: summary, graph, matrix, findings, policies.

The page needs no network to open (scripts, styles and data are inlined). Inputs are
manifest files or folders, a blueprint file, builtin:NAME, or --cluster.

Examples:

  netfence report manifests/ -o report.html

  netfence report builtin:ai-mesh -o ai-mesh.html

  netfence report --cluster -o cluster.html
"""

DIFF_HELP = """What connectivity changes between two policy sets: connections added and removed.

OLD and NEW are manifest files or folders, blueprint files, or builtin:NAME; with --cluster,
OLD is the live cluster and only NEW is given. Exact: every port, protocol and address.
A side without real workloads (policies only, or a blueprint's stand-ins) is
evaluated on the other side's (see --endpoints).
Exit 1 when --fail-on-new-egress or --fail-on-new-ingress finds an added connection.

Examples:

  netfence diff main/policies/ policies/

  netfence diff examples/guide-literal builtin:ai-mesh --format md

  netfence diff --cluster policies/ --fail-on-new-egress
"""


class DiffFormat(StrEnum):
    text = "text"
    json = "json"
    md = "md"


RENDERERS: dict[DiffFormat, Callable[[DiffResult], str]] = {
    DiffFormat.text: render_diff_text,
    DiffFormat.json: render_diff_json,
    DiffFormat.md: render_diff_md,
}

InputsArg = Annotated[
    list[str] | None,
    typer.Argument(
        metavar="INPUT", help="Manifest files or folders, a blueprint file, or builtin:NAME."
    ),
]
SidesArg = Annotated[
    list[str] | None,
    typer.Argument(metavar="OLD NEW", help="The two sides (only NEW with --cluster)."),
]
ClusterOpt = Annotated[
    bool, typer.Option("--cluster", help="Read the live cluster (kubeconfig) as one side.")
]


def register(app: typer.Typer) -> None:
    app.command("report", help=REPORT_HELP)(report_command)
    app.command("diff", help=DIFF_HELP)(diff_command)


def _input_error(exc: InputError) -> NoReturn:
    print_problems(exc.problems)
    raise typer.Exit(EXIT_FINDINGS)


def _side(specs: list[str], options: InputOptions) -> Side:
    try:
        return read_side(specs, options)
    except InputError as exc:
        _input_error(exc)


def _cluster_side(kubeconfig: str | None, context: str | None, validate: ValidateMode) -> Side:
    documents = cluster_documents_or_exit(kubeconfig, context)
    label = documents[0].source.file if documents else "cluster"
    try:
        return documents_side(documents, label, validate.value)
    except InputError as exc:
        _input_error(exc)


@contextmanager
def progress_bar(description: str) -> Iterator[Progress]:
    """A transient progress bar on a terminal's stderr (nothing elsewhere)."""
    with RichProgress(console=err, transient=True, disable=not err.is_terminal) as bar:
        task = bar.add_task(description, total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield advance


def _announce(side: Side, verbose: bool) -> None:
    print_notes(side.notes, verbose)
    for line in [*side.notices, *not_evaluated_lines(side.cluster.not_evaluated)]:
        err.print(f"note: {line}", markup=False)
    print_problems(side.warnings)


def report_command(
    specs: InputsArg = None,
    output: Annotated[str, typer.Option("--output", "-o", help="The HTML file to write.")] = (
        "netfence-report.html"
    ),
    cluster: ClusterOpt = False,
    kubeconfig: KubeconfigOpt = None,
    context: ContextOpt = None,
    namespace: NamespaceOpt = "default",
    max_bytes: MaxBytesOpt = Limits().max_bytes,
    validate: ValidateOpt = ValidateMode.connectivity,
    exclude: ExcludeOpt = None,
    strict_files: StrictFilesOpt = False,
    reading: ReadingOpt = Reading.match,
    verbose: VerboseOpt = False,
) -> None:
    if cluster == bool(specs):
        fail("give manifest paths, a blueprint, or --cluster (exactly one of them)", EXIT_USAGE)
    options = input_options(namespace, max_bytes, validate, exclude, strict_files)
    side = _cluster_side(kubeconfig, context, validate) if cluster else _side(specs or [], options)
    _announce(side, verbose)
    engine = Engine(side.cluster, EngineOptions(ipblock_pods=reading.value))
    findings = lint_cluster(side.cluster, roles=side.roles)
    with progress_bar("computing flows") as progress:
        data = report_data(engine, findings, side.documents, side.label, progress, side.helpers)
    page = render_html(data)
    try:
        write_text(output, page)
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror}", EXIT_ENVIRONMENT)
    err.print(f"wrote {output} ({len(page) // 1024} KiB)", markup=False)


def diff_command(
    specs: SidesArg = None,
    cluster: ClusterOpt = False,
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
    namespace: NamespaceOpt = "default",
    max_bytes: MaxBytesOpt = Limits().max_bytes,
    validate: ValidateOpt = ValidateMode.connectivity,
    exclude: ExcludeOpt = None,
    strict_files: StrictFilesOpt = False,
    reading: ReadingOpt = Reading.match,
    verbose: VerboseOpt = False,
) -> None:
    specs = specs or []
    if len(specs) != (1 if cluster else 2):
        fail("give OLD and NEW, or --cluster and NEW", EXIT_USAGE)
    options = input_options(namespace, max_bytes, validate, exclude, strict_files)
    old = _cluster_side(kubeconfig, context, validate) if cluster else _side(specs[0:1], options)
    new = _side(specs[-1:], options)
    for side in (old, new):
        _announce(side, verbose)
    old, new = pair_sides(old, new, endpoints)
    with progress_bar("comparing connections") as progress:
        result = compare(
            old.cluster,
            new.cluster,
            old_label=old.label,
            new_label=new.label,
            options=EngineOptions(ipblock_pods=reading.value),
            progress=progress,
        )
    typer.echo(RENDERERS[output](result), nl=False)
    if (fail_on_new_egress and result.new_egress) or (fail_on_new_ingress and result.new_ingress):
        raise typer.Exit(EXIT_FINDINGS)
