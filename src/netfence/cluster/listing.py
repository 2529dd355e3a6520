"""Paged lists of any kind netfence reads (``limit`` + ``continue``), with progress."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from kubernetes import client

from netfence.cluster import PAGE_SIZE
from netfence.cluster.connect import Connection
from netfence.cluster.errors import ApiStatusError, ClusterError

Progress = Callable[[str, int, int | None], None]
"""Called after each page of a list that spans several pages: kind, objects listed so far,
and the total when the server says it."""


# kind -> (API class, cluster-wide list method, namespaced list method or None)
LISTERS: dict[str, tuple[type, str, str | None]] = {
    "Namespace": (client.CoreV1Api, "list_namespace", None),
    "Node": (client.CoreV1Api, "list_node", None),
    "Pod": (client.CoreV1Api, "list_pod_for_all_namespaces", "list_namespaced_pod"),
    "Service": (client.CoreV1Api, "list_service_for_all_namespaces", "list_namespaced_service"),
    "ConfigMap": (
        client.CoreV1Api,
        "list_config_map_for_all_namespaces",
        "list_namespaced_config_map",
    ),
    "Deployment": (
        client.AppsV1Api,
        "list_deployment_for_all_namespaces",
        "list_namespaced_deployment",
    ),
    "StatefulSet": (
        client.AppsV1Api,
        "list_stateful_set_for_all_namespaces",
        "list_namespaced_stateful_set",
    ),
    "DaemonSet": (
        client.AppsV1Api,
        "list_daemon_set_for_all_namespaces",
        "list_namespaced_daemon_set",
    ),
    "ReplicaSet": (
        client.AppsV1Api,
        "list_replica_set_for_all_namespaces",
        "list_namespaced_replica_set",
    ),
    "Job": (client.BatchV1Api, "list_job_for_all_namespaces", "list_namespaced_job"),
    "CronJob": (client.BatchV1Api, "list_cron_job_for_all_namespaces", "list_namespaced_cron_job"),
    "NetworkPolicy": (
        client.NetworkingV1Api,
        "list_network_policy_for_all_namespaces",
        "list_namespaced_network_policy",
    ),
}


def _page(page: dict[str, Any], kind: str) -> tuple[list[dict[str, Any]], str | None, int | None]:
    """A list answer's items, continue token and remaining count; ClusterError when the
    answer does not have the shape of a Kubernetes list."""
    items = page.get("items") or []
    meta = page.get("metadata") or {}
    token = meta.get("continue") if isinstance(meta, dict) else None
    remaining = meta.get("remainingItemCount") if isinstance(meta, dict) else None
    if not (
        isinstance(items, list)
        and all(isinstance(item, dict) for item in items)
        and isinstance(meta, dict)
        and isinstance(token, str | None)
        and (remaining is None or (isinstance(remaining, int) and not isinstance(remaining, bool)))
    ):
        raise ClusterError(f"the API server answered a malformed list of {kind} objects")
    return items, token or None, remaining


def list_all(
    connection: Connection,
    kind: str,
    namespace: str | None = None,
    *,
    label_selector: str | None = None,
    page_size: int = PAGE_SIZE,
    progress: Progress | None = None,
) -> list[dict[str, Any]]:
    """Every object of ``kind`` (in ``namespace`` when given), page by page."""
    api_class, cluster_wide, namespaced = LISTERS[kind]
    api = api_class(connection.api)
    method, args = getattr(api, cluster_wide), tuple[str, ...]()
    if namespace is not None and namespaced is not None:
        method, args = getattr(api, namespaced), (namespace,)
    return list_pages(
        connection,
        kind,
        method,
        *args,
        page_size=page_size,
        progress=progress,
        label_selector=label_selector,
    )


def list_pages(
    connection: Connection,
    kind: str,
    method: Callable[..., Any],
    *args: str,
    page_size: int = PAGE_SIZE,
    progress: Progress | None = None,
    label_selector: str | None = None,
) -> list[dict[str, Any]]:
    """Every item of a list ``method(*args)`` answers, page by page (``limit`` +
    ``continue``); ClusterError when an answer is not a Kubernetes list."""
    items: list[dict[str, Any]] = []
    token: str | None = None
    while True:
        options: dict[str, Any] = {"limit": page_size}
        if token:
            options["_continue"] = token
        if label_selector:
            options["label_selector"] = label_selector
        page_items, token, remaining = _page(connection.call(method, *args, **options), kind)
        items.extend(page_items)
        if progress is not None and (token or len(items) > len(page_items)):
            total = len(items) + remaining if remaining is not None else None
            progress(kind, len(items), total if token else len(items))
        if not token:
            return items


def _resource_names(connection: Connection, group: str, version: str) -> set[str]:
    """The plural names ``group/version`` serves (none when it is not served or hidden)."""
    api = client.CustomObjectsApi(connection.api)
    try:
        listed = connection.call(api.get_api_resources, group, version)
    except ApiStatusError as exc:
        if exc.status in (403, 404):
            return set()
        raise
    resources = listed.get("resources") or []
    return {str(r.get("name")) for r in resources if isinstance(r, dict)}


def served_versions(
    connection: Connection, group: str, resources: Mapping[str, tuple[str, Sequence[str]]]
) -> dict[str, str]:
    """kind -> the first of its preferred versions that ``group`` serves, for the kinds of
    ``resources`` (kind -> plural and preferred versions) the cluster serves."""
    versions = sorted({v for _, vs in resources.values() for v in vs})
    by_version = {v: _resource_names(connection, group, v) for v in versions}
    served: dict[str, str] = {}
    for kind, (plural, preferred) in resources.items():
        found = next((v for v in preferred if plural in by_version[v]), None)
        if found is not None:
            served[kind] = found
    return served
