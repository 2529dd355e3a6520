"""Which apiVersion serves each kind in Kubernetes v1.33, and when the old ones went away."""

from __future__ import annotations

from netfence.load.removed import REMOVED, removed_message
from netfence.validate.errors import FieldError, quote, required

__all__ = ["REMOVED", "SERVED", "check_api_version"]

SERVED: dict[str, str] = {
    "Namespace": "v1",
    "Pod": "v1",
    "Service": "v1",
    "NetworkPolicy": "networking.k8s.io/v1",
    "Deployment": "apps/v1",
    "StatefulSet": "apps/v1",
    "DaemonSet": "apps/v1",
    "ReplicaSet": "apps/v1",
    "ReplicationController": "v1",
    "Job": "batch/v1",
    "CronJob": "batch/v1",
    "Node": "v1",
    "AdminNetworkPolicy": "policy.networking.k8s.io/v1alpha1",
    "BaselineAdminNetworkPolicy": "policy.networking.k8s.io/v1alpha1",
    "ClusterNetworkPolicy": "policy.networking.k8s.io/v1alpha2",
    "CiliumNetworkPolicy": "cilium.io/v2",
    "CiliumClusterwideNetworkPolicy": "cilium.io/v2",
    "CiliumCIDRGroup": "cilium.io/v2",
}


# Further versions with the same schema (ClusterNetworkPolicy v1beta1 = v1alpha2).
ALSO_SERVED: dict[str, tuple[str, ...]] = {
    "ClusterNetworkPolicy": ("policy.networking.k8s.io/v1beta1",),
    "CiliumCIDRGroup": ("cilium.io/v2alpha1",),
}


def check_api_version(kind: str, api_version: object) -> FieldError | None:
    """None when ``apiVersion`` serves ``kind``; otherwise one problem naming the fix."""
    served = SERVED[kind]
    if api_version is None or api_version == "":
        return required(("apiVersion",), f"use {served} for {kind}")
    if api_version == served or api_version in ALSO_SERVED.get(kind, ()):
        return None
    if not isinstance(api_version, str):
        return FieldError(("apiVersion",), f"Invalid type: expected string, use {served}")
    removed = removed_message(kind, api_version, served)
    if removed is not None:
        return FieldError(("apiVersion",), removed)
    return FieldError(
        ("apiVersion",),
        f"no matches for kind {quote(kind)} in version {quote(api_version)}: "
        f"use apiVersion {served}",
    )
