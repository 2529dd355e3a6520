"""``netfence lab`` as text: a measured matrix, the lab's nodes, guide steps."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.table import Table

from netfence.lab.guide import StepResult
from netfence.lab.runs import ProbeRun
from netfence.lab.topology import Topology


def _cell(allowed: bool | None) -> str:
    return {True: "ok", False: "-", None: "?"}[allowed]


def print_run(run: ProbeRun, console: Console) -> None:
    """One run's matrix (``ok`` allowed, ``-`` blocked, ``?`` could not test) and counts."""
    ids = [n.ident for n in run.topology.nodes if not n.is_external]
    cells = {(m.src, m.dst): m.allowed for m in run.measurements}
    table = Table(title=f"lab {run.topology.lab_id}: {run.port}/{run.protocol} (measured)")
    table.add_column("from \\ to")
    for index in range(len(ids)):
        table.add_column(str(index), justify="center")
    for index, src in enumerate(ids):
        table.add_row(f"{index} {src}", *(_cell(cells.get((src, dst))) for dst in ids))
    console.print(table)
    untested = sum(1 for m in run.measurements if m.allowed is None)
    allowed = sum(1 for m in run.measurements if m.allowed)
    console.print(
        f"{len(run.measurements)} probes: {allowed} allowed, "
        f"{len(run.measurements) - allowed - untested} blocked, {untested} could not test"
    )


def print_nodes(topology: Topology, console: Console) -> None:
    """A running lab's endpoints, their network namespaces and addresses, and how to use it."""
    table = Table(title=f"lab {topology.lab_id}")
    for column in ("endpoint", "namespace (netns)", "addresses"):
        table.add_column(column)
    for node in topology.nodes:
        addresses = " ".join(str(ip) for ip in node.addresses)
        table.add_row(node.ident, node.namespace, addresses)
    console.print(table)
    console.print(
        f"try: ip netns exec {topology.nodes[0].namespace} wget -qO- "
        f"http://NAME.NAMESPACE.svc.cluster.local:PORT/health ; "
        f"remove with: netfence lab down {topology.lab_id}",
        markup=False,
    )


def print_guide_steps(results: Sequence[StepResult], console: Console) -> None:
    """Each step of a guide scenario: the command, then PASS or FAIL with what happened."""
    for result in results:
        step = result.step
        mark = "PASS" if result.passed else "FAIL"
        console.print(f"  {step.source}$ {' '.join(step.command)}", markup=False)
        detail = f": {result.output.splitlines()[0]}" if result.output else ""
        console.print(
            f"    {mark} {result.outcome} after {result.seconds:.1f} s "
            f"(expected {step.expect}: {step.why}){detail}",
            markup=False,
        )
