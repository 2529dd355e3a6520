"""``netfence plan`` as text: the intended flows, the proof table and its verdict."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from netfence.blueprint.intents import expected_flows
from netfence.blueprint.plan import Plan
from netfence.blueprint.synthesize import OUTSIDER_POD, outsider_namespace
from netfence.report.not_evaluated import not_evaluated_lines
from netfence.report.plan_rows import cell_rows, flow_rows, node_names


def render_plan_text(result: Plan, origin: str, console: Console) -> bool:
    """The intended flows, then the proof table and its verdict; False when the generated
    manifests are not valid (the caller prints their problems)."""
    console.print(f"Blueprint {result.blueprint.metadata.name!r} ({origin})", markup=False)
    flows = Table(
        "flow", "from", "to", "ports", "why", title="Intended flows", title_justify="left"
    )
    for flow in flow_rows(expected_flows(result.blueprint)):
        flows.add_row(flow.id, flow.source, flow.target, flow.ports, flow.description)
    console.print(flows)
    for note in result.notes:
        console.print(f"note: {note}", markup=False)
    proof = result.proof
    if result.problems or proof is None:
        console.print("The generated manifests are not valid (a netfence bug, please report):")
        return False
    where = "stand-in pods for the workloads" if result.synthesized else "the given manifests"
    console.print(
        f"\nProof on {where}: {proof.endpoints} endpoints, {len(proof.externals)} outside "
        f"ranges, {proof.pairs} ordered pairs, every port of TCP, UDP and SCTP, "
        "ipBlocks read both ways (matching pod IPs or not).",
        markup=False,
    )
    table = Table("from", "to", "allowed", "intended", "verdict", title_justify="left")
    rows = cell_rows(proof.cells, node_names(result, proof.externals))
    for row in rows:
        style = None if row.holds else "bold red"
        table.add_row(row.source, row.target, row.allowed, row.intended, row.verdict, style=style)
    console.print(table)
    denied = proof.pairs - len({(c.source, c.target) for c in proof.cells})
    console.print(f"Every other pair ({denied}): denied, as intended.")
    if result.synthesized:
        outsider = f"{outsider_namespace(result.blueprint)}/{OUTSIDER_POD}"
        if not any(c.source == outsider and not c.allowed.is_empty for c in proof.cells):
            console.print(
                f"{outsider} (the guide's step-8 test pod): denied to every workload of the "
                "blueprint, on every port and protocol.",
                markup=False,
            )
    for entry in proof.closed_entries:
        console.print(f"Closed front door: {entry}", markup=False, style="bold red")
    for line in not_evaluated_lines(result.cluster.not_evaluated):
        console.print(f"The proof does not cover them: {line}", markup=False, style="yellow")
    if proof.holds:
        scope = " (for NetworkPolicy objects)" if result.cluster.not_evaluated else ""
        console.print(
            f"Proof holds{scope}: the policies allow exactly the blueprint's flows plus DNS."
        )
    else:
        closed = len(proof.closed_entries)
        doors = f", {closed} entry points admit no client" if closed else ""
        console.print(
            f"Proof FAILS: {len(proof.offending)} connections differ from the blueprint "
            f"(rows in red){doors}; nothing was written.",
            style="bold red",
        )
    return True
