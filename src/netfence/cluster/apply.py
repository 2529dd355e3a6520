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

from netfence.cluster import cilium
from netfence.cluster.applyplan import ApplyPlan, Step
from netfence.cluster.calico import PLURALS, served_kinds
from netfence.cluster.cilium_plan import fqdn_policies
from netfence.cluster.connect import Connection
from netfence.cluster.errors import ApiStatusError, ClusterError
from netfence.cluster.tiers import GROUP, RESOURCES
from netfence.load.kinds import api_group
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
    if step.is_calico:
        return send_custom(connection, step, PLURALS[step.kind], options, force)
    if step.is_cilium:
        return send_custom(connection, step, cilium.RESOURCES[step.kind][0], options, force)
    if step.kind in RESOURCES:
        return send_tier_policy(connection, step, options, force)
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


def in_new_namespace(plan: ApplyPlan) -> list[Step]:
    """Policy steps in namespaces the plan creates: a dry run creates no namespace, so the
    server would answer that it does not exist; nothing can conflict there either."""
    new = {s.name for s in plan.changes if s.kind == "Namespace" and s.action == "create"}
    return [s for s in plan.changes if s.kind != "Namespace" and s.namespace in new]


def send_tier_policy(
    connection: Connection, step: Step, options: dict[str, Any], force: bool
) -> dict[str, Any]:
    """Server-side apply (or delete) of a cluster-scoped policy-API object."""
    custom = client.CustomObjectsApi(connection.api)
    version = str(step.body.get("apiVersion", "")).rpartition("/")[2]
    plural = RESOURCES[step.kind][0]
    if step.action == "prune":
        return connection.call(
            custom.delete_cluster_custom_object, GROUP, version, plural, step.name, **options
        )
    options.update(field_manager=FIELD_MANAGER, _content_type=APPLY_PATCH)
    if force:
        options["force"] = True
    return connection.call(
        custom.patch_cluster_custom_object,
        GROUP,
        version,
        plural,
        step.name,
        dict(step.body),
        **options,
    )


def send_custom(
    connection: Connection, step: Step, plural: str, options: dict[str, Any], force: bool
) -> dict[str, Any]:
    """Server-side apply (or delete) of a Calico or Cilium object through the custom-objects
    API, in the group and version its manifest names."""
    custom = client.CustomObjectsApi(connection.api)
    group, _, version = str(step.body.get("apiVersion", "")).rpartition("/")
    where = (group, version, step.namespace) if step.namespace else (group, version)
    target = (*where, plural, step.name)
    if step.action == "prune":
        delete: Callable[..., Any] = custom.delete_cluster_custom_object
        if step.namespace:
            delete = custom.delete_namespaced_custom_object
        return connection.call(delete, *target, **options)
    options.update(field_manager=FIELD_MANAGER, _content_type=APPLY_PATCH)
    if force:
        options["force"] = True
    patch = (
        custom.patch_namespaced_custom_object
        if step.namespace
        else custom.patch_cluster_custom_object
    )
    return connection.call(patch, *target, dict(step.body), **options)


def require_calico_api(connection: Connection, plan: ApplyPlan) -> None:
    """Raises ClusterError (one line) when the plan writes Calico objects of a group or kind
    the cluster does not serve (preflight's discovery of Calico's API)."""
    needed: dict[str, list[Step]] = {}
    for step in plan.changes:
        if step.is_calico:
            needed.setdefault(str(step.body.get("apiVersion", "")), []).append(step)
    for api_version, steps in sorted(needed.items()):
        served = served_kinds(connection, api_group(api_version))
        missing = [s for s in steps if s.kind not in served]
        if missing:
            raise ClusterError(
                f"the cluster does not serve Calico's {missing[0].kind} as {api_version}: "
                f"cannot apply {len(missing)} Calico object(s), first {missing[0].ident} "
                "(install Calico's API server or CRDs; netfence preflight shows what is served)"
            )


def require_cilium_api(connection: Connection, plan: ApplyPlan) -> None:
    """Raises ClusterError (one line) when the plan writes Cilium objects of a kind or version
    the cluster does not serve (its CRDs are not installed)."""
    steps = [s for s in plan.changes if s.is_cilium]
    if not steps:
        return
    served = cilium.served_kinds(connection)
    missing = [
        s for s in steps if served.get(s.kind) != str(s.body.get("apiVersion")).rpartition("/")[2]
    ]
    if missing:
        first = missing[0]
        raise ClusterError(
            f"the cluster does not serve {first.kind} as {first.body.get('apiVersion')}: "
            f"cannot apply {len(missing)} Cilium object(s), first {first.ident} "
            "(install Cilium and its CRDs; netfence preflight shows what is served)"
        )


def dns_proxy_warning(connection: Connection, plan: ApplyPlan) -> str | None:
    """A warning when the plan writes Cilium policies with ``toFQDNs`` while the cluster's
    Cilium runs without its DNS proxy (those rules then allow nothing)."""
    written = [s.body for s in plan.changes if s.action != "prune"]
    fqdn = fqdn_policies(written)
    if not fqdn:
        return None
    proxy = cilium.dns_proxy(cilium.read_config(connection))
    if proxy.enabled:
        return None
    names = ", ".join(str((p.get("metadata") or {}).get("name")) for p in fqdn[:3])
    return (
        f"{len(fqdn)} Cilium policy(ies) with toFQDNs ({names}) allow nothing on this "
        f"cluster: Cilium's DNS proxy is off ({proxy.why} in "
        f"{cilium.CONFIG_NAMESPACE}/{cilium.CONFIG_NAME}); set it to true (Helm: l7Proxy=true)"
    )


def check_conflicts(connection: Connection, plan: ApplyPlan, force: bool) -> list[Conflict]:
    """Dry-run every change on the server (but ``in_new_namespace`` ones); the steps that
    conflict with another manager."""
    skipped = in_new_namespace(plan)
    conflicts: list[Conflict] = []
    for step in plan.changes:
        if step in skipped:
            continue
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

    Raises ClusterError when the plan holds Calico or Cilium objects the cluster does not
    serve, or
    when a write fails, naming how far the run got.
    """
    require_calico_api(connection, plan)
    require_cilium_api(connection, plan)
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
