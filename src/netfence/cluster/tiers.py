"""The SIG Network policy kinds on a live cluster: which are served, and their objects.

AdminNetworkPolicy and BaselineAdminNetworkPolicy are served as v1alpha1 and
ClusterNetworkPolicy as v1alpha2 (or v1beta1) of ``policy.networking.k8s.io`` when their CRDs
are installed; discovery says which.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from kubernetes import client

from netfence.cluster import PAGE_SIZE
from netfence.cluster.connect import Connection
from netfence.cluster.errors import ApiStatusError
from netfence.cluster.listing import list_pages, served_versions

GROUP = "policy.networking.k8s.io"
# kind -> (plural, versions netfence reads, most preferred first)
RESOURCES: dict[str, tuple[str, tuple[str, ...]]] = {
    "AdminNetworkPolicy": ("adminnetworkpolicies", ("v1alpha1",)),
    "BaselineAdminNetworkPolicy": ("baselineadminnetworkpolicies", ("v1alpha1",)),
    "ClusterNetworkPolicy": ("clusternetworkpolicies", ("v1beta1", "v1alpha2")),
}


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def served_kinds(connection: Connection) -> dict[str, str]:
    """kind -> the version that serves it, for the tier kinds the cluster serves."""
    return served_versions(connection, GROUP, RESOURCES)


def list_kind(
    connection: Connection, kind: str, version: str, page_size: int = PAGE_SIZE
) -> list[dict[str, Any]]:
    """Every object of a served tier kind, page by page."""
    api = client.CustomObjectsApi(connection.api)
    items = list_pages(
        connection,
        kind,
        api.list_cluster_custom_object,
        GROUP,
        version,
        RESOURCES[kind][0],
        page_size=page_size,
    )
    return [{**item, "apiVersion": f"{GROUP}/{version}", "kind": kind} for item in items]


def clean_tier_policy(obj: Mapping[str, Any]) -> dict[str, Any]:
    """A tier policy as served: apiVersion, kind, name, labels, annotations and spec."""
    meta = _dict(obj.get("metadata"))
    kept = {k: meta[k] for k in ("name", "labels", "annotations") if meta.get(k)}
    return {
        "apiVersion": obj.get("apiVersion"),
        "kind": obj.get("kind"),
        "metadata": kept,
        "spec": _dict(obj.get("spec")),
    }


def clean_node(obj: Mapping[str, Any]) -> dict[str, Any]:
    """A Node as ``nodes`` peers see it (name, labels and addresses), with the pod CIDRs it
    hands out (where endpoints without an IP get theirs)."""
    meta = _dict(obj.get("metadata"))
    spec = {k: v for k, v in _dict(obj.get("spec")).items() if k in ("podCIDR", "podCIDRs") and v}
    addresses = [
        {"type": a.get("type"), "address": a.get("address")}
        for a in (_dict(obj.get("status")).get("addresses") or [])
        if isinstance(a, dict)
    ]
    kept = {k: meta[k] for k in ("name", "labels") if meta.get(k)}
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": kept,
        **({"spec": spec} if spec else {}),
        "status": {"addresses": addresses},
    }


def tier_manifests(
    connection: Connection, page_size: int, warn: Callable[[str], None]
) -> list[dict[str, Any]]:
    """Every served tier policy, cleaned (empty when no tier CRD is installed). A kind the
    user may not list (the built-in ``view`` role does not cover these CRDs) is left out,
    and ``warn`` says so: verdicts on such a snapshot do not see it."""
    manifests: list[dict[str, Any]] = []
    for kind, version in served_kinds(connection).items():
        try:
            objects = list_kind(connection, kind, version, page_size)
        except ApiStatusError as exc:
            if exc.status != 403:
                raise
            warn(
                f"cannot list {kind} objects (forbidden for this user): the snapshot leaves "
                "them out, and verdicts on it do not take them into account"
            )
            continue
        manifests += [clean_tier_policy(obj) for obj in objects]
    return manifests
