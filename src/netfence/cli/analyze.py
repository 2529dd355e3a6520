"""``netfence analyze`` (who can reach whom) and ``netfence explain`` (why, and how to fix it)."""

from __future__ import annotations

import difflib
import ipaddress
import os
import re
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
    ProtocolChoice,
    Reading,
    ReadingOpt,
    StrictFilesOpt,
    ValidateMode,
    ValidateOpt,
    VerboseOpt,
    err,
    fail,
    input_options,
    load_or_exit,
    out,
    parse_port,
)
from netfence.engine import Engine, EngineOptions, Node
from netfence.engine.analysis import Analysis, Query, analyze, served_queries
from netfence.engine.filters import EndpointFilter, FilterError, parse_filter
from netfence.engine.fix import suggest_fix
from netfence.load import Limits
from netfence.model import PROTOCOLS, Endpoint, IPAddress, Protocol
from netfence.report.explain_text import render_explain_text
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
"""

EXPLAIN_HELP = """Why a connection is allowed or blocked, and what rule would fix it.

The last three arguments are SRC DST PORT\\[/PROTO]; the ones before are manifest paths
(SRC DST PORT PATH... works too). SRC and DST are ns/name, an external range id (ext:...)
or an IP address.

Example:

  netfence explain manifests/ ai-inference/vllm-0 ai-data/minio-0 443/TCP
"""


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
    app.command("explain", help=EXPLAIN_HELP)(explain_command)


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
    output: Annotated[MatrixFormat, typer.Option("--format", "-f")] = MatrixFormat.text,
    namespace: NamespaceOpt = "default",
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
    inputs = load_or_exit(paths, options, verbose, cluster, kubeconfig, context)
    _require_match(sources, source, "--from", inputs.cluster.endpoints)
    _require_match(targets, target, "--to", inputs.cluster.endpoints)
    destinations = [e for e in inputs.cluster.endpoints if targets is None or targets(e)]
    if port is None:
        queries = served_queries(destinations, chosen)
    elif not (port.isdigit() or any(p.name == port for e in destinations for p in e.ports)):
        err.print(
            f"note: no destination serves a port named {port!r}: only self traffic is allowed",
            markup=False,
        )
    engine = Engine(inputs.cluster, EngineOptions(ipblock_pods=reading.value))
    analysis = analyze(engine, queries, sources, targets)
    for note in analysis.notes:
        err.print(f"note: {note}", markup=False)
    if output is MatrixFormat.text:
        render_matrix_text(analysis, out)
    elif output in WRITERS:
        WRITERS[output](analysis, out.file)
    else:
        out.file.write(RENDERERS[output](analysis))


def _node(engine: Engine, ident: str) -> Node:
    found = engine.find(ident)
    if found is None:
        names = [e.id for e in engine.endpoints] + [x.id for x in engine.externals]
        close = difflib.get_close_matches(ident, names, n=3, cutoff=0.4)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        fail(f"unknown endpoint {ident!r}{hint}", EXIT_FINDINGS)
    return found


def _address(text: str) -> IPAddress | None:
    """The IP address ``text`` names, if it is one."""
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _port_protocol(text: str) -> tuple[int | str, Protocol]:
    port_text, slash, protocol_text = text.partition("/")
    if slash and not protocol_text:
        fail(f"{text!r}: give a protocol after '/' (TCP, UDP or SCTP), or none", EXIT_USAGE)
    protocol = next((p for p in PROTOCOLS if p == (protocol_text.upper() or "TCP")), None)
    if protocol is None:
        fail(f"unknown protocol {protocol_text!r} (TCP, UDP or SCTP)", EXIT_USAGE)
    try:
        return parse_port(port_text), protocol
    except ValueError as exc:
        fail(str(exc), EXIT_USAGE)


PORT_ARGUMENT = re.compile(r"^[A-Za-z0-9-]+(/[A-Za-z]+)?$")


def _split_explain_arguments(arguments: list[str]) -> tuple[list[str], str, str, str]:
    """``PATH... SRC DST PORT``; ``SRC DST PORT PATH...`` is understood too when the paths
    exist and the third argument reads as a port."""
    if len(arguments) < 4:
        fail("expected PATH... SRC DST PORT[/PROTO]", EXIT_USAGE)
    first, last = arguments[:3], arguments[3:]
    trailing_paths = all(p == "-" or os.path.exists(p) for p in last)
    if trailing_paths and PORT_ARGUMENT.match(first[2]):
        return last, first[0], first[1], first[2]
    *paths, src, dst, port = arguments
    return paths, src, dst, port


def explain_command(
    arguments: Annotated[
        list[str],
        typer.Argument(help="PATH... SRC DST PORT\\[/PROTO]", metavar="PATH... SRC DST PORT"),
    ],
    reading: ReadingOpt = Reading.match,
    namespace: NamespaceOpt = "default",
    max_bytes: MaxBytesOpt = Limits().max_bytes,
    validate_mode: ValidateOpt = ValidateMode.connectivity,
    exclude: ExcludeOpt = None,
    strict_files: StrictFilesOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    paths, src_text, dst_text, port_text = _split_explain_arguments(arguments)
    port, protocol = _port_protocol(port_text)
    options = input_options(namespace, max_bytes, validate_mode, exclude, strict_files)
    inputs = load_or_exit(paths, options, verbose)
    engine = Engine(inputs.cluster, EngineOptions(ipblock_pods=reading.value))
    src, dst = _node(engine, src_text), _node(engine, dst_text)
    verdict = engine.verdict(src, dst, port, protocol)
    address = next((a for a in map(_address, (src_text, dst_text)) if a is not None), None)
    fixes = suggest_fix(engine, verdict, address)
    out.file.write(render_explain_text(verdict, fixes, reading.value))
