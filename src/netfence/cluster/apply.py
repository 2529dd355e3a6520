"""Sending an apply plan: server-side apply with field manager ``netfence``, and pruning.

Every change is first sent as a server-side dry run; a conflict with another field manager
stops the run before anything is written (unless forced). Then the steps are sent in the
plan's order, so an interruption leaves no namespace without its DNS allows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kubernetes import client

from netfence.cluster.applyplan import ApplyPlan, Step
from netfence.cluster.connect import Connection
from netfence.cluster.errors import ApiStatusError, ClusterError
from netfence.vocabulary import FIELD_MANAGER

APPLY_PATCH = "application/apply-patch+yaml"
StepDone = Callable[[Step], None]


@dataclass(frozen=True)
class Conflict:
    """A step another field manager owns part of."""

    step: Step
    fields: tuple[str, ...]


@dataclass
class ApplyOutcome:
    """Conflicts found by the dry run (nothing written then), and the steps written."""

    conflicts: list[Conflict] = field(default_factory=list)
    written: list[Step] = field(default_factory=list)


def send(connection: Connection, step: Step, *, dry_run: bool, force: bool) -> dict[str, Any]:
    """One step: server-side apply of its body, or delete for a prune."""
    options: dict[str, Any] = {"dry_run": "All"} if dry_run else {}
    if step.action == "prune":
        networking = client.NetworkingV1Api(connection.api)
        return connection.call(
            networking.delete_namespaced_network_policy, step.name, step.namespace, **options
        )
    options.update(field_manager=FIELD_MANAGER, _content_type=APPLY_PATCH)
    if force:
        options["force"] = True
    if step.kind == "Namespace":
        core = client.CoreV1Api(connection.api)
        return connection.call(core.patch_namespace, step.name, dict(step.body), **options)
    networking = client.NetworkingV1Api(connection.api)
    return connection.call(
        networking.patch_namespaced_network_policy,
        step.name,
        step.namespace,
        dict(step.body),
        **options,
    )


def check_conflicts(connection: Connection, plan: ApplyPlan, force: bool) -> list[Conflict]:
    """Dry-run every change on the server; the steps that conflict with another manager."""
    conflicts: list[Conflict] = []
    for step in plan.changes:
        try:
            send(connection, step, dry_run=True, force=force)
        except ApiStatusError as exc:
            if exc.status != 409:
                raise
            conflicts.append(Conflict(step, tuple(exc.conflicts) or (str(exc),)))
    return conflicts


def apply_plan(
    connection: Connection,
    plan: ApplyPlan,
    *,
    dry_run: bool = False,
    force: bool = False,
    on_step: StepDone | None = None,
) -> ApplyOutcome:
    """Dry-run everything, stop on conflicts, then (unless ``dry_run``) write in order.

    Raises ClusterError when a write fails, naming how far the run got.
    """
    outcome = ApplyOutcome(conflicts=check_conflicts(connection, plan, force))
    if outcome.conflicts or dry_run:
        return outcome
    changes = plan.changes
    for index, step in enumerate(changes):
        try:
            send(connection, step, dry_run=False, force=force)
        except ClusterError as exc:
            raise ClusterError(
                f"stopped after {index} of {len(changes)} changes at {step.ident}: {exc}"
            ) from None
        outcome.written.append(step)
        if on_step is not None:
            on_step(step)
    return outcome
