"""``netfence report``: one self-contained HTML page of a policy set."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from netfence.cli.common import (
    EXIT_ENVIRONMENT,
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
    err,
    fail,
    input_options,
)
from netfence.cli.front import announce, cluster_side, side_or_exit
from netfence.cli.possible import evaluated_cluster
from netfence.cli.progress import Phases, progress_bar
from netfence.engine import Engine
from netfence.lint import LintOptions, lint_cluster
from netfence.load import Limits
from netfence.report.html import render_html
from netfence.report.html_data import page_findings, report_data
from netfence.report.html_groups import DRAWN_LIMIT
from netfence.writes import write_text

REPORT_HELP = """Write one self-contained HTML report: summary, graph, matrix, findings, policies.

The page needs no network to open (scripts, styles and data are inlined). Inputs are
manifest files or folders, a blueprint file, builtin:NAME, or --cluster.

Examples:

  netfence report manifests/ -o report.html

  netfence report builtin:ai-mesh -o ai-mesh.html

  netfence report --cluster -o cluster.html

  netfence report big-cluster/ --group workload -o workloads.html
"""


class DrawnGroup(StrEnum):
    auto = "auto"
    pod = "pod"
    workload = "workload"
    namespace = "namespace"


InputsArg = Annotated[
    list[str] | None,
    typer.Argument(
        metavar="INPUT", help="Manifest files or folders, a blueprint file, or builtin:NAME."
    ),
]


def register(app: typer.Typer) -> None:
    app.command("report", help=REPORT_HELP)(report_command)


def report_command(
    specs: InputsArg = None,
    output: Annotated[str, typer.Option("--output", "-o", help="The HTML file to write.")] = (
        "netfence-report.html"
    ),
    cluster: ClusterSideOpt = False,
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
    group: Annotated[
        DrawnGroup,
        typer.Option(
            "--group",
            help=f"Draw pods one by one, as workloads, or as namespaces; auto (default): pods "
            f"up to {DRAWN_LIMIT}, else workloads up to {DRAWN_LIMIT}, else namespaces. The "
            "page says what it aggregated.",
        ),
    ] = DrawnGroup.auto,
) -> None:
    if cluster == bool(specs):
        fail("give manifest paths, a blueprint, or --cluster (exactly one of them)", EXIT_USAGE)
    options = input_options(namespace, max_bytes, validate, exclude, strict_files)
    phase = Phases(verbose)
    with phase("load"):
        side = (
            cluster_side(kubeconfig, context, options)
            if cluster
            else side_or_exit(specs or [], options)
        )
    announce(side, verbose)
    engine_settings = engine_options(reading, pod_cidr, resolve)
    with phase("engine"):
        model = evaluated_cluster(side.cluster, side.label, options.namespaces, describe=False)
        lint_options = LintOptions(pod_cidrs=engine_settings.pod_cidrs, engine=engine_settings)
        findings = page_findings(
            lint_cluster(model, roles=side.roles, options=lint_options),
            model.endpoints,
            side.helpers,
        )
        engine = Engine(model, engine_settings)  # after lint's own engine and findings are gone
        with progress_bar("computing flows") as progress:
            data = report_data(
                engine, findings, side.documents, side.label, progress, side.helpers, group.value
            )
    with phase("render"):
        page = render_html(data)
        try:
            write_text(output, page)
        except OSError as exc:
            fail(f"cannot write {output}: {exc.strerror}", EXIT_ENVIRONMENT)
    err.print(f"wrote {output} ({len(page) // 1024} KiB)", markup=False)
