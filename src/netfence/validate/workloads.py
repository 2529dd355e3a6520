"""Workload checks (apps/v1 Deployment, StatefulSet, DaemonSet, ReplicaSet; batch/v1 Job, CronJob).

What matters for netfence is the pod template (its labels become the endpoint's labels)
and the selector that must match it; the rest follows kube-apiserver's required fields
and enumerations. Update strategies beyond their type are not checked.
"""

from __future__ import annotations

import re
from typing import Any

from netfence.load.document import Path
from netfence.validate.access import number, obj, present, string_map, text
from netfence.validate.errors import (
    FieldError,
    forbidden,
    invalid,
    not_supported,
    required,
)
from netfence.validate.meta import validate_object_meta
from netfence.validate.names import name_is_dns_subdomain
from netfence.validate.pod import validate_pod_template
from netfence.validate.selectors import (
    is_empty_selector,
    selector_matches,
    validate_label_selector,
)

_NON_NEGATIVE = "must be greater than or equal to 0"
_MISMATCH = "`selector` does not match template `labels`"
CRON_JOB_NAME_MAX = 52


def _non_negative(spec: dict[str, Any], fields: tuple[str, ...], path: Path) -> list[FieldError]:
    errors = []
    for field in fields:
        value = number(spec.get(field))
        if value < 0:
            errors.append(invalid((*path, field), value, _NON_NEGATIVE))
    return errors


def _labels_map(labels: Any) -> str:
    pairs = ", ".join(f'"{k}":"{v}"' for k, v in sorted(string_map(labels).items()))
    return f"map[string]string{{{pairs}}}"


def _template_labels(spec: dict[str, Any]) -> Any:
    return obj(obj(spec.get("template")).get("metadata")).get("labels")


_EMPTY_SELECTOR = {
    "Deployment": "empty selector is invalid for deployment",
    "ReplicaSet": "empty selector is invalid for deployment",
    "StatefulSet": "empty selector is invalid for statefulset",
    "DaemonSet": "empty selector is invalid for daemonset",
}


def _selector_errors(spec: dict[str, Any], path: Path, kind: str) -> list[FieldError]:
    """Selector required (not for DaemonSets), valid, not empty, matching the template labels.

    A missing selector selects nothing, so it also fails to match the template's labels.
    """
    selector = spec.get("selector")
    errors: list[FieldError] = []
    if present(selector):
        errors += validate_label_selector(selector, (*path, "selector"))
    elif kind != "DaemonSet":
        errors.append(required((*path, "selector")))
    empty = present(selector) and is_empty_selector(selector)
    if empty and kind in _EMPTY_SELECTOR:
        errors.append(invalid((*path, "selector"), obj(selector), _EMPTY_SELECTOR[kind]))
    if errors and present(selector):
        # The selector cannot be parsed, so it is not compared with the template's labels.
        if not empty and kind != "DaemonSet":
            errors.append(invalid((*path, "selector"), obj(selector), "invalid label selector"))
        return errors
    labels = _template_labels(spec)
    if not empty and not (present(selector) and selector_matches(selector, string_map(labels))):
        errors.append(
            FieldError(
                (*path, "template", "metadata", "labels"),
                f"Invalid value: {_labels_map(labels)}: {_MISMATCH}",
            )
        )
    return errors


def _restart_always(spec: dict[str, Any], path: Path) -> list[FieldError]:
    restart = text(obj(obj(spec.get("template")).get("spec")).get("restartPolicy")) or "Always"
    if restart != "Always":
        return [not_supported((*path, "template", "spec", "restartPolicy"), restart, ["Always"])]
    return []


def validate_replicated(data: dict[str, Any]) -> list[FieldError]:
    """Deployment, StatefulSet, DaemonSet and ReplicaSet."""
    kind = str(data.get("kind"))
    path: Path = ("spec",)
    spec = obj(data.get("spec"))
    errors = validate_object_meta(data.get("metadata"), name_is_dns_subdomain, namespaced=True)
    errors += _non_negative(spec, ("replicas", "minReadySeconds", "revisionHistoryLimit"), path)
    errors += _selector_errors(spec, path, kind)
    errors += validate_pod_template(spec.get("template"), (*path, "template"))
    errors += _restart_always(spec, path)
    if kind == "Deployment":
        errors += _deployment_strategy(obj(spec.get("strategy")), (*path, "strategy"))
    if kind == "StatefulSet":
        policy = text(spec.get("podManagementPolicy"))
        if policy and policy not in ("OrderedReady", "Parallel"):
            errors.append(
                invalid(
                    (*path, "podManagementPolicy"), policy, "must be 'OrderedReady' or 'Parallel'"
                )
            )
    return errors


def _deployment_strategy(strategy: dict[str, Any], path: Path) -> list[FieldError]:
    kind = text(strategy.get("type")) or "RollingUpdate"
    if kind not in ("Recreate", "RollingUpdate"):
        return [not_supported((*path, "type"), kind, ("Recreate", "RollingUpdate"))]
    if kind == "Recreate" and present(strategy.get("rollingUpdate")):
        return [
            forbidden(
                (*path, "rollingUpdate"),
                "may not be specified when strategy `type` is 'Recreate'",
            )
        ]
    return []


def validate_job(data: dict[str, Any]) -> list[FieldError]:
    errors = validate_object_meta(data.get("metadata"), name_is_dns_subdomain, namespaced=True)
    return errors + validate_job_spec(obj(data.get("spec")), ("spec",))


def validate_job_spec(spec: dict[str, Any], path: Path) -> list[FieldError]:
    """Counts non-negative, selector only when manual, template restartPolicy OnFailure/Never."""
    errors = _non_negative(
        spec,
        ("parallelism", "completions", "activeDeadlineSeconds", "backoffLimit"),
        path,
    )
    if spec.get("manualSelector") is True:
        errors += _selector_errors(spec, path, "Job")
    elif present(spec.get("selector")):
        errors.append(
            invalid((*path, "selector"), obj(spec["selector"]), "`selector` not auto-generated")
        )
    mode = text(spec.get("completionMode"))
    if mode and mode not in ("NonIndexed", "Indexed"):
        errors.append(not_supported((*path, "completionMode"), mode, ("NonIndexed", "Indexed")))
    errors += validate_pod_template(spec.get("template"), (*path, "template"))
    # An unset restartPolicy is defaulted to Always before validation.
    restart = text(obj(obj(spec.get("template")).get("spec")).get("restartPolicy")) or "Always"
    if restart not in ("OnFailure", "Never"):
        restart_path = (*path, "template", "spec", "restartPolicy")
        errors.append(not_supported(restart_path, restart, ("OnFailure", "Never")))
    return errors


_CRON_DESCRIPTORS = frozenset(
    {"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"}
)
_CRON_FIELD = re.compile(r"^[0-9A-Za-z*?/,\-]+$")


def schedule_problem(schedule: str) -> str | None:
    """A coarse check of the standard cron format: five fields, or a descriptor."""
    body = schedule
    if body.startswith(("TZ=", "CRON_TZ=")):
        return "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"
    if body.startswith("@"):
        if body in _CRON_DESCRIPTORS or body.startswith("@every "):
            return None
        return f"unrecognized descriptor: {body}"
    fields = body.split()
    if len(fields) != 5:
        return f"expected exactly 5 fields, found {len(fields)}: {body}"
    for field in fields:
        if not _CRON_FIELD.match(field):
            return f"invalid field: {field}"
    return None


def validate_cron_job(data: dict[str, Any]) -> list[FieldError]:
    meta = obj(data.get("metadata"))
    errors = validate_object_meta(meta, name_is_dns_subdomain, namespaced=True)
    name = text(meta.get("name"))
    if len(name) > CRON_JOB_NAME_MAX:
        errors.append(
            invalid(
                ("metadata", "name"), name, f"must be no more than {CRON_JOB_NAME_MAX} characters"
            )
        )
    spec = obj(data.get("spec"))
    schedule = text(spec.get("schedule"))
    if not schedule:
        errors.append(required(("spec", "schedule")))
    elif (problem := schedule_problem(schedule)) is not None:
        errors.append(invalid(("spec", "schedule"), schedule, problem))
    policy = text(spec.get("concurrencyPolicy"))
    if policy and policy not in ("Allow", "Forbid", "Replace"):
        errors.append(
            not_supported(("spec", "concurrencyPolicy"), policy, ("Allow", "Forbid", "Replace"))
        )
    errors += _non_negative(
        spec,
        ("startingDeadlineSeconds", "successfulJobsHistoryLimit", "failedJobsHistoryLimit"),
        ("spec",),
    )
    job_spec = obj(obj(spec.get("jobTemplate")).get("spec"))
    return errors + validate_job_spec(job_spec, ("spec", "jobTemplate", "spec"))
