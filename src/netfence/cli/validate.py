"""``netfence validate``: kube-apiserver's checks, offline."""

from __future__ import annotations

import json
import sys

import typer

from netfence.cli.common import (
    EXIT_FINDINGS,
    ExcludeOpt,
    MaxBytesOpt,
    NamespaceOpt,
    OutputFormat,
    Paths,
    StrictFilesOpt,
    ValidateMode,
    ValidateOpt,
    VerboseOpt,
    input_options,
    out,
    print_notes,
    print_problems,
)
from netfence.cli.front import print_notices
from netfence.cli.progress import Phases
from netfence.inputs import resolve
from netfence.load import Limits
from netfence.report.validate_json import validate_json

HELP = """Check manifests the way kube-apiserver does on create, without a cluster.

Exit 0 when every document is valid, 1 with one line per error otherwise
(file:line: Kind/namespace/name: field.path: message).

Examples:

  netfence validate policies/

  kubectl get netpol -A -o yaml | netfence validate -

  netfence validate --validate=warn --format json manifests.yaml
"""


def register(app: typer.Typer) -> None:
    app.command("validate", help=HELP)(validate)


def validate(
    paths: Paths,
    namespace: NamespaceOpt = None,
    max_bytes: MaxBytesOpt = Limits().max_bytes,
    validate_mode: ValidateOpt = ValidateMode.strict,
    exclude: ExcludeOpt = None,
    strict_files: StrictFilesOpt = False,
    output: OutputFormat = typer.Option(OutputFormat.text, "--format", "-f"),
    verbose: VerboseOpt = False,
) -> None:
    options = input_options(namespace, max_bytes, validate_mode, exclude, strict_files)
    phase = Phases(verbose)
    with phase("load"):
        inputs = resolve(paths, options, stdin=sys.stdin.buffer)
    with phase("render", writes=True):
        if output is OutputFormat.json:
            out.print_json(json.dumps(validate_json(inputs)))
        else:
            print_notes(inputs.notes, verbose)
            print_notices(inputs)
            print_problems(inputs.problems)
            if not inputs.errors:
                out.print(f"{len(inputs.documents)} objects valid")
    if inputs.errors:
        raise typer.Exit(EXIT_FINDINGS)
