"""Calico's policy kinds on a live cluster: which API serves them, and their objects.

Calico's API server serves them as ``projectcalico.org/v3``; without it they are CRDs of
``crd.projectcalico.org/v1`` (the stored form, the same kinds and fields). Discovery says
which; the API server's group is preferred when both are served.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from kubernetes import client

from netfence.cluster.connect import Connection
from netfence.cluster.errors import ApiStatusError
from netfence.cluster.listing import list_pages
from netfence.load.calico_kinds import CALICO_GROUPS, NAMESPACED_CALICO_KINDS, SERVED_VERSIONS

PLURALS = {
    "Tier": "tiers",
    "GlobalNetworkPolicy": "globalnetworkpolicies",
    "NetworkPolicy": "networkpolicies",
    "GlobalNetworkSet": "globalnetworksets",
    "NetworkSet": "networksets",
}


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def served_kinds(connection: Connection, group: str) -> tuple[str, ...]:
    """The Calico kinds ``group`` (at its served version) serves: () when it is not served."""
    api = client.CustomObjectsApi(connection.api)
    try:
        listed = connection.call(api.get_api_resources, group, SERVED_VERSIONS[group])
    except ApiStatusError as exc:
        if exc.status in (403, 404):
            return ()
        raise
    names = {str(_dict(r).get("name")) for r in listed.get("resources") or []}
    return tuple(kind for kind, plural in PLURALS.items() if plural in names)


def served_api(connection: Connection) -> tuple[str, tuple[str, ...]] | None:
    """The group/version serving Calico's kinds and the kinds it serves (None: neither)."""
    for group in CALICO_GROUPS:
        kinds = served_kinds(connection, group)
        if kinds:
            return f"{group}/{SERVED_VERSIONS[group]}", kinds
    return None


def clean_calico(obj: Mapping[str, Any], api_version: str, kind: str) -> dict[str, Any]:
    """A Calico object as served: apiVersion, kind, name (namespace), labels, annotations
    and spec."""
    meta = _dict(obj.get("metadata"))
    fields = ("name", "namespace", "labels", "annotations")
    kept = {k: meta[k] for k in fields if meta.get(k)}
    if kind not in NAMESPACED_CALICO_KINDS:
        kept.pop("namespace", None)
    return {
        "apiVersion": api_version,
        "kind": kind,
        "metadata": kept,
        "spec": _dict(obj.get("spec")),
    }


def calico_manifests(
    connection: Connection,
    page_size: int,
    warn: Callable[[str], None],
    namespaces: Sequence[str] = (),
) -> list[dict[str, Any]]:
    """Every Calico object of the served kinds, cleaned (empty without Calico's API). A kind
    the user may not list is left out, and ``warn`` says so. ``namespaces`` limits the
    namespaced kinds (NetworkPolicy, NetworkSet) to those namespaces."""
    served = served_api(connection)
    if served is None:
        return []
    api_version, kinds = served
    group, _, version = api_version.partition("/")
    api = client.CustomObjectsApi(connection.api)
    manifests: list[dict[str, Any]] = []
    for kind in kinds:
        try:
            objects = list_pages(
                connection,
                kind,
                api.list_cluster_custom_object,
                group,
                version,
                PLURALS[kind],
                page_size=page_size,
            )
        except ApiStatusError as exc:
            if exc.status != 403:
                raise
            warn(
                f"cannot list Calico {kind} objects (forbidden for this user): the snapshot "
                "leaves them out, and verdicts on it do not take them into account"
            )
            continue
        for obj in objects:
            namespace = _dict(obj.get("metadata")).get("namespace")
            if namespaces and kind in NAMESPACED_CALICO_KINDS and namespace not in namespaces:
                continue
            manifests.append(clean_calico(obj, api_version, kind))
    return manifests
