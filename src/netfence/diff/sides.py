"""One side of a diff (or the input of a report): any input spec ``netfence.inputs`` resolves
(manifests, ``builtin:NAME``, a blueprint file, a live cluster). A blueprint side is its
generated namespaces and policies evaluated on the workloads it synthesises.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum

from netfence.engine.possible import Witnesses, on_witnesses, witnesses
from netfence.inputs import Inputs
from netfence.load import Document
from netfence.model import Cluster
from netfence.problems import Problem


class EndpointChoice(StrEnum):
    """Which workloads both sides are evaluated on."""

    own = "own"
    old = "old"
    new = "new"


@dataclass(frozen=True)
class Side:
    """A named policy set with the workloads it is evaluated on.

    ``stand_ins``: the workloads are a blueprint's synthesised stand-ins, not real ones;
    ``helpers``: ids of netfence's own stand-ins that are no workload of the blueprint (its
    DNS server and the stranger test-pod), which reports do not count as unprotected.
    """

    label: str
    cluster: Cluster
    documents: tuple[Document, ...] = ()
    warnings: tuple[Problem, ...] = ()
    notes: tuple[str, ...] = ()
    roles: Mapping[str, str] | None = field(default=None, compare=False)
    stand_ins: bool = False
    notices: tuple[str, ...] = ()
    helpers: frozenset[str] = frozenset()

    @property
    def has_real_workloads(self) -> bool:
        return bool(self.cluster.endpoints) and not self.stand_ins


def side_of(inputs: Inputs) -> Side:
    """A side from resolved inputs; raises InputError listing every error."""
    inputs.require_valid()
    return Side(
        inputs.label,
        inputs.cluster,
        tuple(inputs.documents),
        tuple(inputs.warnings),
        tuple(inputs.notes),
        roles=inputs.roles,
        stand_ins=inputs.stand_ins,
        notices=tuple(inputs.notices),
        helpers=inputs.helpers,
    )


def on_endpoints_of(side: Side, donor: Side) -> Side:
    """``side``'s policies and namespaces evaluated on ``donor``'s workloads.

    Namespaces ``side`` declares keep their labels; the donor's fill in the rest.
    """
    namespaces = {n.name: n for n in donor.cluster.namespaces}
    namespaces.update({n.name: n for n in side.cluster.namespaces if n.declared})
    for namespace in side.cluster.namespaces:
        namespaces.setdefault(namespace.name, namespace)
    cluster = replace(
        side.cluster,
        namespaces=tuple(sorted(namespaces.values(), key=lambda n: n.name)),
        endpoints=donor.cluster.endpoints,
        services=donor.cluster.services,
    )
    return replace(side, cluster=cluster)


def on_possible_endpoints(old: Side, new: Side) -> tuple[Side, Side]:
    """Both sides evaluated on the same witnesses: one possible pod for each class of pods
    the policies of either side tell apart (``engine.possible``)."""
    found: Witnesses = witnesses([old.cluster, new.cluster])
    return tuple(  # type: ignore[return-value]
        replace(s, cluster=on_witnesses(s.cluster, found), notices=(*s.notices, found.notice))
        for s in (old, new)
    )


def pair_sides(
    old: Side, new: Side, endpoints: EndpointChoice = EndpointChoice.own
) -> tuple[Side, Side]:
    """Choose the workloads each side is evaluated on.

    ``own``: each side its own, except that a side without real workloads (policies only, or
    a blueprint's stand-ins) borrows the other side's real ones; ``old``/``new``: both sides
    on that side's workloads. When the chosen workloads are not real (neither side has real
    ones, or the side chosen has none), both sides are evaluated on every possible pod.
    """
    own = endpoints is EndpointChoice.own
    chosen = {EndpointChoice.old: old, EndpointChoice.new: new}.get(endpoints)
    none_real = not (old.has_real_workloads or new.has_real_workloads)
    if (chosen is None and none_real) or (chosen is not None and not chosen.has_real_workloads):
        return on_possible_endpoints(old, new)
    if endpoints is EndpointChoice.old or (
        own and old.has_real_workloads and not new.has_real_workloads
    ):
        return old, on_endpoints_of(new, old)
    if endpoints is EndpointChoice.new or (
        own and new.has_real_workloads and not old.has_real_workloads
    ):
        return on_endpoints_of(old, new), new
    return old, new
