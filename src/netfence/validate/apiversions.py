"""Which apiVersion serves each kind in Kubernetes v1.33, and when the old ones went away."""

from __future__ import annotations

from netfence.validate.errors import FieldError, quote, required

SERVED: dict[str, str] = {
    "Namespace": "v1",
    "Pod": "v1",
    "Service": "v1",
    "NetworkPolicy": "networking.k8s.io/v1",
    "Deployment": "apps/v1",
    "StatefulSet": "apps/v1",
    "DaemonSet": "apps/v1",
    "ReplicaSet": "apps/v1",
    "Job": "batch/v1",
    "CronJob": "batch/v1",
}

# (kind, apiVersion) -> the Kubernetes release that stopped serving it.
REMOVED: dict[tuple[str, str], str] = {
    ("NetworkPolicy", "extensions/v1beta1"): "v1.16",
    ("Deployment", "extensions/v1beta1"): "v1.16",
    ("Deployment", "apps/v1beta1"): "v1.16",
    ("Deployment", "apps/v1beta2"): "v1.16",
    ("DaemonSet", "extensions/v1beta1"): "v1.16",
    ("DaemonSet", "apps/v1beta2"): "v1.16",
    ("ReplicaSet", "extensions/v1beta1"): "v1.16",
    ("ReplicaSet", "apps/v1beta2"): "v1.16",
    ("StatefulSet", "apps/v1beta1"): "v1.16",
    ("StatefulSet", "apps/v1beta2"): "v1.16",
    ("CronJob", "batch/v1beta1"): "v1.25",
    ("CronJob", "batch/v2alpha1"): "v1.21",
}


def check_api_version(kind: str, api_version: object) -> FieldError | None:
    """None when ``apiVersion`` serves ``kind``; otherwise one problem naming the fix."""
    served = SERVED[kind]
    if api_version is None or api_version == "":
        return required(("apiVersion",), f"use {served} for {kind}")
    if api_version == served:
        return None
    if not isinstance(api_version, str):
        return FieldError(("apiVersion",), f"Invalid type: expected string, use {served}")
    removed = REMOVED.get((kind, api_version))
    if removed is not None:
        return FieldError(
            ("apiVersion",),
            f"{kind} in {api_version} is no longer served (removed in Kubernetes {removed}): "
            f"use apiVersion {served}",
        )
    return FieldError(
        ("apiVersion",),
        f"no matches for kind {quote(kind)} in version {quote(api_version)}: "
        f"use apiVersion {served}",
    )
