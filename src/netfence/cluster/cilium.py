"""Cilium on a live cluster: which of its policy kinds ``cilium.io`` serves, their objects,
and the ``cilium-config`` ConfigMap (cluster name, and whether the DNS proxy runs).

CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy are served as ``cilium.io/v2``;
CiliumCIDRGroup as ``v2`` from Cilium 1.18 and as ``v2alpha1`` before. Discovery says which.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kubernetes import client

from netfence.cluster.connect import Connection
from netfence.cluster.errors import ApiStatusError
from netfence.cluster.listing import list_pages, served_versions
from netfence.load.cilium_kinds import CILIUM_GROUP, NAMESPACED_CILIUM_KINDS

# kind -> (plural, versions netfence reads, most preferred first)
RESOURCES: dict[str, tuple[str, tuple[str, ...]]] = {
    "CiliumNetworkPolicy": ("ciliumnetworkpolicies", ("v2",)),
    "CiliumClusterwideNetworkPolicy": ("ciliumclusterwidenetworkpolicies", ("v2",)),
    "CiliumCIDRGroup": ("ciliumcidrgroups", ("v2", "v2alpha1")),
}
POLICY_VERSION = "v2"
CONFIG_NAMESPACE, CONFIG_NAME = "kube-system", "cilium-config"
L7_PROXY_KEY = "enable-l7-proxy"
CONFIG_KEYS = ("cluster-name", L7_PROXY_KEY)
"""The keys of ``cilium-config`` netfence reads (a snapshot keeps only these)."""
FALSE_WORDS = ("0", "f", "false")
"""How the agent reads a boolean key as false (Go's ``strconv.ParseBool``, any case)."""


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def served_kinds(connection: Connection) -> dict[str, str]:
    """kind -> the version that serves it, for the Cilium kinds the cluster serves."""
    return served_versions(connection, CILIUM_GROUP, RESOURCES)


def clean_cilium(obj: Mapping[str, Any], api_version: str, kind: str) -> dict[str, Any]:
    """A Cilium object as served: apiVersion, kind, name (namespace), labels, annotations,
    and ``spec`` and/or ``specs`` (a policy may hold one rule or a list)."""
    meta = _dict(obj.get("metadata"))
    kept = {k: meta[k] for k in ("name", "namespace", "labels", "annotations") if meta.get(k)}
    if kind not in NAMESPACED_CILIUM_KINDS:
        kept.pop("namespace", None)
    body: dict[str, Any] = {"apiVersion": api_version, "kind": kind, "metadata": kept}
    for key in ("spec", "specs"):
        if key in obj:
            body[key] = obj[key]
    return body


def cilium_manifests(
    connection: Connection,
    page_size: int,
    warn: Callable[[str], None],
    namespaces: Sequence[str] = (),
    served: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """Every object of the served Cilium kinds, cleaned (empty without Cilium's CRDs). A kind
    the user may not list is left out, and ``warn`` says so. ``namespaces`` limits the
    CiliumNetworkPolicies to those namespaces."""
    api = client.CustomObjectsApi(connection.api)
    manifests: list[dict[str, Any]] = []
    kinds = served_kinds(connection) if served is None else served
    for kind, version in kinds.items():
        try:
            objects = list_pages(
                connection,
                kind,
                api.list_cluster_custom_object,
                CILIUM_GROUP,
                version,
                RESOURCES[kind][0],
                page_size=page_size,
            )
        except ApiStatusError as exc:
            if exc.status != 403:
                raise
            warn(
                f"cannot list {kind} objects (forbidden for this user): the snapshot leaves "
                "them out, and verdicts on it do not take them into account"
            )
            continue
        for obj in objects:
            namespace = _dict(obj.get("metadata")).get("namespace")
            if namespaces and kind in NAMESPACED_CILIUM_KINDS and namespace not in namespaces:
                continue
            manifests.append(clean_cilium(obj, f"{CILIUM_GROUP}/{version}", kind))
    return manifests


def read_config(connection: Connection) -> dict[str, Any] | None:
    """kube-system's ``cilium-config`` ConfigMap; None when it is missing or may not be read."""
    core = client.CoreV1Api(connection.api)
    try:
        found = connection.call(core.read_namespaced_config_map, CONFIG_NAME, CONFIG_NAMESPACE)
    except ApiStatusError as exc:
        if exc.status in (403, 404):
            return None
        raise
    return _dict(found)


def clean_config(config: Mapping[str, Any]) -> dict[str, Any]:
    """The ConfigMap with only the keys netfence reads."""
    data = _dict(config.get("data"))
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": CONFIG_NAME, "namespace": CONFIG_NAMESPACE},
        "data": {k: data[k] for k in CONFIG_KEYS if isinstance(data.get(k), str)},
    }


@dataclass(frozen=True)
class DnsProxy:
    """Whether Cilium's DNS proxy runs, and the words that say why."""

    enabled: bool
    why: str


def dns_proxy(config: Mapping[str, Any] | None) -> DnsProxy:
    """The DNS proxy runs inside the agent's L7 proxy: on unless ``enable-l7-proxy`` is
    false (the agent's default is true, so a missing key or ConfigMap means on)."""
    if config is None:
        return DnsProxy(True, f"no readable {CONFIG_NAMESPACE}/{CONFIG_NAME}: Cilium's default")
    value = _dict(config.get("data")).get(L7_PROXY_KEY)
    if not isinstance(value, str):
        return DnsProxy(True, f"{L7_PROXY_KEY} not set: Cilium's default (true)")
    enabled = value.strip().lower() not in FALSE_WORDS
    return DnsProxy(enabled, f"{L7_PROXY_KEY}: {value!r}")
