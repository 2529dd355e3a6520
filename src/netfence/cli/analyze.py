"""``netfence analyze``: who can reach whom, as a matrix in one of several formats."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import StrEnum
from typing import IO, Annotated

import typer

from netfence.cli.common import (
    EXIT_FINDINGS,
    EXIT_USAGE,
    ClusterOpt,
    ContextOpt,
    ExcludeOpt,
    KubeconfigOpt,
    MaxBytesOpt,
    NamespaceOpt,
    PathsOrCluster,
    PodCidrOpt,
    ProtocolChoice,
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
    out,
    parse_port,
)
from netfence.cli.front import load_or_exit
from netfence.cli.possible import evaluated_cluster
from netfence.cli.progress import Phases
from netfence.engine import Engine
from netfence.engine.analysis import Analysis, Query, analyze, served_queries
from netfence.engine.filters import EndpointFilter, FilterError, parse_filter
from netfence.engine.grouping import Grouping, grouped_analysis
from netfence.load import Limits
from netfence.model import Endpoint, Protocol
from netfence.report.matrix_csv import write_matrix_csv
from netfence.report.matrix_dot import render_matrix_dot
from netfence.report.matrix_json import write_matrix_json
from netfence.report.matrix_md import render_matrix_md
from netfence.report.matrix_mermaid import render_matrix_mermaid
from netfence.report.matrix_text import render_matrix_text

ANALYZE_HELP = """Who can reach whom: the connectivity matrix of every endpoint pair.

One matrix per port/protocol that destinations serve (or just --port), with
the external IP ranges that policies tell apart.

Examples:

  netfence analyze manifests/

  netfence analyze manifests/ --port 443 --from app=ai-agent --to 'ai-data/*'

  netfence analyze manifests/ --port 80 --protocol UDP --format json

  netfence analyze cluster-snapshot/ --group class --format json
"""


class Group(StrEnum):
    pod = "pod"
    workload = "workload"
    group_class = "class"


class MatrixFormat(StrEnum):
    text = "text"
    json = "json"
    csv = "csv"
    md = "md"
    dot = "dot"
    mermaid = "mermaid"


WRITERS: dict[MatrixFormat, Callable[[Analysis, IO[str]], None]] = {
    MatrixFormat.json: write_matrix_json,
    MatrixFormat.csv: write_matrix_csv,
}
RENDERERS: dict[MatrixFormat, Callable[[Analysis], str]] = {
    MatrixFormat.md: render_matrix_md,
    MatrixFormat.dot: render_matrix_dot,
    MatrixFormat.mermaid: render_matrix_mermaid,
}


def register(app: typer.Typer) -> None:
    app.command("analyze", help=ANALYZE_HELP)(analyze_command)


def _filter(text: str | None, flag: str) -> EndpointFilter | None:
    if text is None:
        return None
    try:
        return parse_filter(text)
    except FilterError as exc:
        fail(f"{flag}: {exc}", EXIT_USAGE)


def _require_match(
    chosen: EndpointFilter | None, text: str | None, flag: str, endpoints: Sequence[Endpoint]
) -> None:
    """Exit 1 when a --from/--to filter matches none of the input's endpoints."""
    if chosen is not None and not any(chosen(e) for e in endpoints):
        fail(f"{flag} {text!r} matches no endpoint of the input", EXIT_FINDINGS)


def analyze_command(
    paths: PathsOrCluster = None,
    port: Annotated[
        str | None,
        typer.Option("--port", "-p", help="A port number or name (default: all served)."),
    ] = None,
    protocol: Annotated[
        ProtocolChoice | None,
        typer.Option(
            "--protocol", case_sensitive=False, help="TCP (default with --port), UDP, SCTP."
        ),
    ] = None,
    source: Annotated[
        str | None, typer.Option("--from", help="Sources: label selector (kubectl -l) or ns/name.")
    ] = None,
    target: Annotated[
        str | None, typer.Option("--to", help="Destinations: label selector or ns/name.")
    ] = None,
    reading: ReadingOpt = Reading.match,
    pod_cidr: PodCidrOpt = None,
    resolve: ResolveOpt = None,
    group: Annotated[
        Group,
        typer.Option(
            "--group",
            help="Rows and columns: pods (default), workloads (a pod's controller), or classes "
            "of endpoints every rule treats alike. A group cell is allowed when every pair of "
            "distinct members is; 'partial' when only some are.",
        ),
    ] = Group.pod,
    output: Annotated[MatrixFormat, typer.Option("--format", "-f")] = MatrixFormat.text,
    namespace: NamespaceOpt = None,
    max_bytes: MaxBytesOpt = Limits().max_bytes,
    validate_mode: ValidateOpt = ValidateMode.connectivity,
    exclude: ExcludeOpt = None,
    strict_files: StrictFilesOpt = False,
    verbose: VerboseOpt = False,
    cluster: ClusterOpt = False,
    kubeconfig: KubeconfigOpt = None,
    context: ContextOpt = None,
) -> None:
    sources, targets = _filter(source, "--from"), _filter(target, "--to")
    queries: tuple[Query, ...]
    chosen: Protocol | None = protocol.value if protocol else None
    if port is not None:
        try:
            queries = ((parse_port(port), chosen or "TCP"),)
        except ValueError as exc:
            fail(f"--port: {exc}", EXIT_USAGE)
    options = input_options(namespace, max_bytes, validate_mode, exclude, strict_files)
    phase = Phases(verbose)
    with phase("load"):
        inputs = load_or_exit(paths, options, verbose, cluster, kubeconfig, context)
        model = evaluated_cluster(inputs.cluster, inputs.label, options.namespaces)
    _require_match(sources, source, "--from", model.endpoints)
    _require_match(targets, target, "--to", model.endpoints)
    destinations = [e for e in model.endpoints if targets is None or targets(e)]
    if port is None:
        queries = served_queries(destinations, chosen)
    elif not (port.isdigit() or any(p.name == port for e in destinations for p in e.ports)):
        err.print(
            f"note: no destination serves a port named {port!r}: only self traffic is allowed",
            markup=False,
        )
    with phase("engine"):
        engine = Engine(model, engine_options(reading, pod_cidr, resolve))
        if group is Group.pod:
            analysis = analyze(engine, queries, sources, targets)
        else:
            grouping: Grouping = "class" if group is Group.group_class else "workload"
            analysis = grouped_analysis(engine, queries, grouping, sources, targets)
    for note in analysis.notes:
        err.print(f"note: {note}", markup=False)
    with phase("render", writes=True):
        if output is MatrixFormat.text:
            render_matrix_text(analysis, out)
        elif output in WRITERS:
            WRITERS[output](analysis, out.file)
        else:
            out.file.write(RENDERERS[output](analysis))
