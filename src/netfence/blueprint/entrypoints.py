"""The stack's front door: a blueprint whose gateway admits no client at all cannot work, however
exactly its policies match its flows."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from netfence.blueprint.intents import Pods, workload_end
from netfence.blueprint.schema import Blueprint
from netfence.model import Endpoint

ENTRY_ROLE = "gateway"


@dataclass(frozen=True)
class ClosedEntry:
    """A workload of a gateway namespace that nothing may connect to."""

    workload: str
    namespace: str

    def __str__(self) -> str:
        return (
            f"entry point {self.workload} (namespace {self.namespace}, role {ENTRY_ROLE}) admits "
            "no client: nothing can reach the stack's front door (add a flow to it from an "
            "ingress controller's workload, in a namespace with isolate: false, or from an "
            "external of client ranges)"
        )


def entry_workloads(bp: Blueprint) -> list[str]:
    """The workloads of isolated namespaces whose role is ``gateway``."""
    return [
        name
        for name, workload in bp.workloads.items()
        if workload.namespace in bp.isolated
        and bp.namespaces[workload.namespace].role == ENTRY_ROLE
    ]


def closed_entries(
    bp: Blueprint, endpoints: Sequence[Endpoint], reached: Iterable[str]
) -> tuple[ClosedEntry, ...]:
    """Entry workloads standing for some endpoint of which none is in ``reached`` (the ids of
    endpoints something may connect to); a workload no endpoint stands for is not judged."""
    admitted = set(reached)
    closed = []
    for name in entry_workloads(bp):
        end = workload_end(bp, name)
        if not isinstance(end, Pods):
            continue
        mine = [e.id for e in endpoints if end.matches(e)]
        if mine and not admitted.intersection(mine):
            closed.append(ClosedEntry(name, end.namespace))
    return tuple(closed)
