"""The command line's side of the front door: input specs or ``--cluster`` to a validated
model (exit 1 on bad input, 3 when the cluster cannot be reached), and cluster connections.

The official ``kubernetes`` client takes about a second to import, so the modules that use
it are imported inside the functions: commands that do not talk to a cluster do not pay.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

import typer

from netfence.cli.common import (
    EXIT_ENVIRONMENT,
    EXIT_FINDINGS,
    EXIT_USAGE,
    err,
    fail,
    print_notes,
    print_problems,
)
from netfence.diff.sides import Side, side_of
from netfence.inputs import InputOptions, Inputs, LiveCluster, resolve
from netfence.load import Document, ParsedTexts
from netfence.problems import InputError
from netfence.report.not_evaluated import not_evaluated_lines

if TYPE_CHECKING:
    from netfence.cluster.connect import Connection
    from netfence.cluster.desired import DesiredState


def report_progress(kind: str, listed: int, total: int | None) -> None:
    """One stderr line per page of a list that spans several pages."""
    err.print(f"listed {listed}/{total if total is not None else '?'} {kind}", markup=False)


def connect_or_exit(kubeconfig: str | None, context: str | None, timeout: float) -> Connection:
    """A connection to the cluster; exit 3 when there is none."""
    from netfence.cluster.connect import ConnectOptions, connect
    from netfence.cluster.errors import ClusterError

    try:
        return connect(ConnectOptions(kubeconfig=kubeconfig, context=context, timeout=timeout))
    except ClusterError as exc:
        fail(str(exc), EXIT_ENVIRONMENT)


def cluster_documents_or_exit(
    kubeconfig: str | None = None,
    context: str | None = None,
    namespaces: Sequence[str] = (),
    timeout: float = 15.0,
) -> list[Document]:
    """What ``--cluster`` reads: the live cluster as Documents; exit 3 on cluster errors."""
    from netfence.cluster.connect import ConnectOptions
    from netfence.cluster.errors import ClusterError
    from netfence.cluster.snapshot import read_cluster

    options = ConnectOptions(kubeconfig=kubeconfig, context=context, timeout=timeout)
    try:
        return read_cluster(options, namespaces, progress=report_progress)
    except ClusterError as exc:
        fail(str(exc), EXIT_ENVIRONMENT)


def desired_or_exit(source: str | None) -> DesiredState:
    """What the cluster should hold (a blueprint, manifests, or the built-in); exit 1 if bad."""
    from netfence.cluster.desired import desired_state

    try:
        return desired_state(source)
    except InputError as exc:
        print_problems(exc.problems)
        raise typer.Exit(EXIT_FINDINGS) from None


def live_cluster(
    kubeconfig: str | None, context: str | None, namespaces: Sequence[str] = ()
) -> LiveCluster:
    """What ``--cluster`` reads (only ``namespaces`` when given), as the front door's
    live-cluster callable (exit 3 on errors)."""
    return lambda: cluster_documents_or_exit(kubeconfig, context, namespaces)


def read_paths_or_cluster(
    paths: Sequence[str] | None,
    options: InputOptions,
    cluster: bool = False,
    kubeconfig: str | None = None,
    context: str | None = None,
) -> Inputs:
    """Inputs from input specs, or from the live cluster with ``--cluster``; problems are
    left to the caller. Exit 3 on cluster errors, 2 when both or neither are given."""
    if cluster == bool(paths):
        fail("give manifest paths or --cluster (exactly one of them)", EXIT_USAGE)
    live = live_cluster(kubeconfig, context, options.namespaces) if cluster else None
    return resolve(paths or [], options, live=live, stdin=sys.stdin.buffer)


def load_or_exit(
    paths: Sequence[str] | None,
    options: InputOptions,
    verbose: bool = False,
    cluster: bool = False,
    kubeconfig: str | None = None,
    context: str | None = None,
) -> Inputs:
    """Resolve and validate inputs (specs or ``--cluster``); on any error print them all,
    exit 1."""
    inputs = read_paths_or_cluster(paths, options, cluster, kubeconfig, context)
    announce(inputs, verbose)
    if inputs.errors:
        print_problems(inputs.errors)
        raise typer.Exit(EXIT_FINDINGS)
    return inputs


def side_or_exit(
    specs: list[str], options: InputOptions, parsed: ParsedTexts | None = None
) -> Side:
    """One side of a diff (or a report's input) from its specs; exit 1 on bad input
    (``parsed``: texts the command parsed already)."""
    return _side(resolve(specs, options, parsed=parsed))


def cluster_side(kubeconfig: str | None, context: str | None, options: InputOptions) -> Side:
    """The live cluster as a side (its ``options.namespaces`` only, when given); exit 3 when
    it cannot be read, 1 on invalid objects."""
    live = live_cluster(kubeconfig, context, options.namespaces)
    return _side(resolve([], options, live=live))


def _side(inputs: Inputs) -> Side:
    try:
        return side_of(inputs)
    except InputError as exc:
        print_problems(exc.problems)
        raise typer.Exit(EXIT_FINDINGS) from None


def print_notices(inputs: Side | Inputs) -> None:
    """What every command says about its input: skipped files, kinds it does not evaluate."""
    for line in [*inputs.notices, *not_evaluated_lines(inputs.cluster.not_evaluated)]:
        err.print(f"note: {line}", markup=False)


def announce(inputs: Side | Inputs, verbose: bool) -> None:
    """Skip notes (with --verbose), skipped files and kinds not evaluated, and warnings, on
    stderr."""
    print_notes(inputs.notes, verbose)
    print_notices(inputs)
    print_problems(inputs.warnings)
