"""Options and helpers shared by the commands: input options, exit codes, error lines."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from enum import StrEnum
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from netfence.inputs import InputOptions, Inputs, read_inputs
from netfence.load import Limits
from netfence.problems import Problem

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_ENVIRONMENT = 3

out = Console(highlight=False, soft_wrap=True, emoji=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)


class ValidateMode(StrEnum):
    strict = "strict"
    warn = "warn"
    ignore = "ignore"


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


Paths = Annotated[
    list[str],
    typer.Argument(help="Manifest files or folders (searched recursively); '-' reads stdin."),
]
NamespaceOpt = Annotated[
    str,
    typer.Option("--namespace", "-n", help="Namespace for objects that name none (as kubectl)."),
]
MaxBytesOpt = Annotated[
    int, typer.Option("--max-bytes", min=1, help="Refuse input files larger than this.")
]
ValidateOpt = Annotated[
    ValidateMode,
    typer.Option("--validate", help="Unknown fields: strict (error), warn, or ignore."),
]
VerboseOpt = Annotated[
    bool, typer.Option("--verbose", "-v", help="Also say which objects were skipped and why.")
]


def input_options(namespace: str, max_bytes: int, validate: ValidateMode) -> InputOptions:
    """InputOptions from the shared command-line options."""
    return InputOptions(
        namespace=namespace, limits=Limits(max_bytes=max_bytes), validate=validate.value
    )


def fail(message: str, code: int = EXIT_FINDINGS) -> NoReturn:
    """Print one line to stderr and exit."""
    err.print(f"netfence: {message}", markup=False)
    raise typer.Exit(code)


def print_problems(problems: Sequence[Problem]) -> None:
    """One line per problem on stderr."""
    for problem in problems:
        err.print(problem.render(), markup=False)


def print_notes(notes: Sequence[str], verbose: bool) -> None:
    if verbose:
        for note in notes:
            err.print(note, markup=False)


def load_or_exit(paths: Sequence[str], options: InputOptions, verbose: bool = False) -> Inputs:
    """Read and validate inputs; on any error print them all and exit 1."""
    inputs = read_inputs(paths, options, stdin=sys.stdin.buffer)
    print_notes(inputs.notes, verbose)
    print_problems(inputs.warnings)
    if inputs.errors:
        print_problems(inputs.errors)
        raise typer.Exit(EXIT_FINDINGS)
    return inputs
