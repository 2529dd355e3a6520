"""``netfence explain``: why a connection is allowed or blocked, and what rule would fix it."""

from __future__ import annotations

import difflib
import ipaddress
import os
import re
from typing import Annotated

import typer

from netfence.cli.common import (
    EXIT_FINDINGS,
    EXIT_USAGE,
    ExcludeOpt,
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
    out,
    parse_port,
)
from netfence.cli.front import load_or_exit
from netfence.cli.possible import evaluated_cluster
from netfence.engine import Engine, Node
from netfence.engine.addresses import unaddressed
from netfence.engine.fix import suggest_fix
from netfence.lint.withheld import withheld_reason
from netfence.load import Limits
from netfence.model import PROTOCOLS, IPAddress, Protocol
from netfence.report.explain_text import render_explain_text

EXPLAIN_HELP = """Why a connection is allowed or blocked, and what rule would fix it.

The last three arguments are SRC DST PORT\\[/PROTO]; the ones before are manifest paths
(SRC DST PORT PATH... works too). SRC and DST are ns/name, an external range id (ext:...)
or an IP address.

Example:

  netfence explain manifests/ ai-inference/vllm-0 ai-data/minio-0 443/TCP
"""


def register(app: typer.Typer) -> None:
    app.command("explain", help=EXPLAIN_HELP)(explain_command)


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
    pod_cidr: PodCidrOpt = None,
    resolve: ResolveOpt = None,
    namespace: NamespaceOpt = None,
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
    model = evaluated_cluster(inputs.cluster, inputs.label, options.namespaces, describe=False)
    engine = Engine(model, engine_options(reading, pod_cidr, resolve))
    src, dst = _node(engine, src_text), _node(engine, dst_text)
    for node in (src, dst):
        if model.witness(node.id) is not None:
            err.print(f"note: {node.id} is {model.witness(node.id)}", markup=False)
    verdict = engine.verdict(src, dst, port, protocol)
    address = next((a for a in map(_address, (src_text, dst_text)) if a is not None), None)
    withheld = withheld_reason(engine, verdict, address)
    fixes = [] if withheld else suggest_fix(engine, verdict, address)
    placed = [n.id for n in (src, dst) if unaddressed(n)] if engine.placement_notes else []
    notes = tuple(
        f"{ident} has no IP: read as having an address in the {engine.pod_cidr}"
        for ident in dict.fromkeys(placed)
    )
    out.file.write(render_explain_text(verdict, fixes, reading.value, withheld, notes))
