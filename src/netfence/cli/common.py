"""Options and helpers shared by the commands: input options, exit codes, error lines."""

from __future__ import annotations

import ipaddress
import os
import sys
from collections.abc import Sequence
from enum import StrEnum
from typing import Annotated, NoReturn, TextIO

import typer

from netfence.engine import EngineOptions
from netfence.engine.resolution import OPTION, ResolvedName, merged, parse_hosts, parse_pair
from netfence.inputs import InputOptions
from netfence.load import Limits
from netfence.load.project import config_excludes
from netfence.model import IPNetwork
from netfence.problems import InputError, Problem
from netfence.sanitize import SafeConsole, clean
from netfence.validate.names import is_valid_port_name
from netfence.vocabulary import IPBlockReading

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_ENVIRONMENT = 3

# Rich assumes 80 columns when the output is no terminal (a pipe, a file, a CI log) and
# would cut names short in tables; there, lines may be this long unless $COLUMNS says.
PIPE_WIDTH = 200


def _width(stream: TextIO) -> int | None:
    return None if "COLUMNS" in os.environ or stream.isatty() else PIPE_WIDTH


out = SafeConsole(highlight=False, soft_wrap=True, emoji=False, width=_width(sys.stdout))
err = SafeConsole(
    stderr=True, highlight=False, soft_wrap=True, emoji=False, width=_width(sys.stderr)
)


class ValidateMode(StrEnum):
    connectivity = "connectivity"
    strict = "strict"
    warn = "warn"
    ignore = "ignore"


class ProtocolChoice(StrEnum):
    TCP = "TCP"
    UDP = "UDP"
    SCTP = "SCTP"


class Reading(StrEnum):
    """Whether ipBlocks match in-cluster pod IPs (implementation-defined, by CNI)."""

    match = "match"
    ignore = "ignore"


ReadingOpt = Annotated[
    Reading,
    typer.Option(
        "--ipblock-pods",
        help="Whether ipBlocks match in-cluster pod IPs: match (Calico, Antrea, kube-router) "
        "or ignore (Cilium).",
    ),
]


PodCidrOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--pod-cidr",
        metavar="CIDR",
        help="Pod CIDR (repeatable; IPv4 and IPv6): where endpoints without an IP (workload "
        "templates, pending pods) have their address. Default: the input's Nodes' "
        "spec.podCIDRs, else 10.244.0.0/16 (flannel's kubeadm guide; kubeadm has none).",
    ),
]
ResolveOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--resolve",
        metavar="NAME=IP[,IP]|HOSTS_FILE",
        help="Tie a name to addresses (repeatable; a value without '=' is a hosts-format "
        "file): fqdn:NAME is reachable where every address is, and FQDN rules of the name "
        "also match its addresses.",
    ),
]


def networks(option: str, texts: Sequence[str]) -> tuple[IPNetwork, ...]:
    """CIDRs given to ``option``; a bad one ends the command (exit 2)."""
    try:
        return tuple(ipaddress.ip_network(t) for t in texts)
    except ValueError as exc:
        fail(f"{option}: {exc}", EXIT_USAGE)


def resolved_or_exit(values: Sequence[str] | None) -> tuple[ResolvedName, ...]:
    """The ``--resolve`` values, parsed and merged; a bad one is one line and exit 2."""
    entries: list[ResolvedName] = []
    for value in values or ():
        try:
            if "=" in value:
                entries.append(parse_pair(value))
                continue
            try:
                with open(value, encoding="utf-8") as handle:
                    text = handle.read()
            except (OSError, UnicodeDecodeError) as exc:
                why = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
                fail(f"{OPTION}: cannot read {value}: {why}", EXIT_USAGE)
            entries += parse_hosts(text, value)
        except ValueError as exc:
            fail(f"{OPTION}: {exc}", EXIT_USAGE)
    return merged(entries)


def engine_options(
    reading: str | None, pod_cidr: Sequence[str] | None, resolve: Sequence[str] | None
) -> EngineOptions:
    """The engine options every connectivity command takes: the ipBlock reading
    (``--ipblock-pods``), ``--pod-cidr`` and ``--resolve``."""
    ipblock_pods: IPBlockReading = "ignore" if reading == "ignore" else "match"
    return EngineOptions(
        ipblock_pods=ipblock_pods,
        pod_cidrs=networks("--pod-cidr", pod_cidr or ()),
        resolved=resolved_or_exit(resolve),
    )


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


Paths = Annotated[
    list[str],
    typer.Argument(help="Manifest files or folders (searched recursively); '-' reads stdin."),
]
PathsOrCluster = Annotated[
    list[str] | None,
    typer.Argument(
        help="Manifest files or folders (searched recursively); '-' reads stdin. "
        "Omit with --cluster."
    ),
]
NamespaceOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--namespace",
        "-n",
        metavar="NS",
        help="Work in these namespaces only, as kubectl's -n (repeatable; default: all): objects "
        "of other namespaces are left out, whether read from files or a cluster, and objects "
        "that name no namespace are in the first NS (else 'default').",
    ),
]
MaxBytesOpt = Annotated[
    int,
    typer.Option(
        "--max-bytes",
        min=1,
        help="Refuse input files larger than this (or with more than 100,000 documents per "
        "50 MiB of this limit).",
    ),
]
ValidateOpt = Annotated[
    ValidateMode,
    typer.Option(
        "--validate",
        help="connectivity: refuse only problems that can change connectivity (selectors, "
        "labels, ports, CIDRs, policyTypes, names and namespaces), warn about the rest; "
        "strict: refuse what kube-apiserver refuses; warn, ignore: also let every unknown "
        "field pass with a warning, or silently.",
    ),
]
ExcludeOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--exclude",
        metavar="GLOB",
        help="Leave out files and folders matching GLOB (name or path inside a folder "
        "given; repeatable; added to .netfence.yaml's exclude:).",
    ),
]
StrictFilesOpt = Annotated[
    bool,
    typer.Option(
        "--strict-files",
        help="Fail on files that are not Kubernetes manifests (and on charts that cannot "
        "be rendered) instead of skipping them with a note.",
    ),
]
VerboseOpt = Annotated[
    bool,
    typer.Option(
        "--verbose",
        "-v",
        help="Also say which objects were skipped and why (validate, analyze, lint, diff and "
        "report: and each phase's time).",
    ),
]


ClusterOpt = Annotated[
    bool, typer.Option("--cluster", help="Read the live cluster (kubeconfig) instead of files.")
]
ClusterSideOpt = Annotated[
    bool, typer.Option("--cluster", help="Read the live cluster (kubeconfig) as one side.")
]
KubeconfigOpt = Annotated[
    str | None,
    typer.Option(
        "--kubeconfig",
        help="Kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then in-cluster).",
    ),
]
ContextOpt = Annotated[str | None, typer.Option("--context", help="Kubeconfig context to use.")]
TimeoutOpt = Annotated[
    float, typer.Option("--request-timeout", min=0.1, help="Seconds to wait for each request.")
]
FormatOpt = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]
SourceArg = Annotated[
    str | None,
    typer.Argument(
        help="Blueprint file, builtin:NAME, or manifest files or folders "
        "(default: the built-in ai-mesh blueprint)."
    ),
]


def parse_port(text: str) -> int | str:
    """A port number (1..65535) or a port name (IANA_SVC_NAME); ValueError otherwise."""
    if text.isdigit():
        number = int(text)
        if not 1 <= number <= 65535:
            raise ValueError(f"port {number} is outside 1..65535")
        return number
    problems = is_valid_port_name(text)
    if problems:
        raise ValueError(f"{text!r} is neither a port number nor a port name: {problems[0]}")
    return text


def input_options(
    namespaces: Sequence[str] | None,
    max_bytes: int,
    validate: ValidateMode,
    exclude: Sequence[str] | None = None,
    strict_files: bool = False,
) -> InputOptions:
    """InputOptions from the shared command-line options (and ``.netfence.yaml``'s
    ``exclude:``; exit 1 when that is malformed)."""
    try:
        configured = config_excludes()
    except InputError as exc:
        print_problems(exc.problems)
        raise typer.Exit(EXIT_FINDINGS) from exc
    return InputOptions(
        namespace=namespaces[0] if namespaces else "default",
        namespaces=tuple(namespaces or ()),
        limits=Limits.of_size(max_bytes),
        validate=validate.value,
        exclude=(*configured, *(exclude or ())),
        strict_files=strict_files,
    )


def fail(message: str, code: int = EXIT_FINDINGS) -> NoReturn:
    """Print one line to stderr and exit."""
    err.print(f"netfence: {clean(message)}", markup=False)
    raise typer.Exit(code)


def print_problems(problems: Sequence[Problem]) -> None:
    """One line per problem on stderr."""
    for problem in problems:
        err.print(problem.render(), markup=False)


def print_notes(notes: Sequence[str], verbose: bool) -> None:
    if verbose:
        for note in notes:
            err.print(clean(note), markup=False)
