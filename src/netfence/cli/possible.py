"""What the analysis commands evaluate when the input has no workloads: every possible pod
(``engine.possible``), said on stderr; and the refusal to answer on nothing at all."""

from __future__ import annotations

from collections.abc import Sequence

from netfence.cli.common import EXIT_FINDINGS, err, fail
from netfence.engine.possible import has_policies, with_possible_endpoints
from netfence.model import Cluster

MAX_DESCRIBED = 40


def require_something(cluster: Cluster, label: str) -> None:
    """Exit 1 with one line when ``cluster`` holds no policy and no workload: no command
    answers "nothing changed" or "no findings" on nothing."""
    if not has_policies(cluster) and not cluster.endpoints:
        name = label or "the input"
        fail(f"nothing to evaluate: {name} holds no policies and no workloads", EXIT_FINDINGS)


def evaluated_cluster(
    cluster: Cluster, label: str, namespaces: Sequence[str] = (), describe: bool = True
) -> Cluster:
    """``cluster``, or its policies on possible witnesses when it has no workloads (said on
    stderr, with one line per witness and its description when ``describe``; only witnesses
    in ``namespaces`` when given, as ``-n``); exit 1 when there is nothing."""
    require_something(cluster, label)
    evaluated, possible = with_possible_endpoints(cluster, namespaces)
    if possible is not None:
        err.print(f"note: {possible.notice}", markup=False)
        shown = possible.descriptions[:MAX_DESCRIBED] if describe else ()
        for ident, text in shown:
            err.print(f"note: {ident} is {text}", markup=False)
        if describe and len(possible.descriptions) > MAX_DESCRIBED:
            rest = len(possible.descriptions) - MAX_DESCRIBED
            err.print(f"note: and {rest} more (--format json describes every one)", markup=False)
    return evaluated
