"""Putting objects into the real control plane: namespaces, pods with a status, in bulk.

There is no controller manager or kubelet: each namespace gets its ``default`` service
account by hand (the ServiceAccount admission plugin wants it), and a pod's phase and IPs are
set through the ``status`` subresource, as a kubelet would.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from tests.controlplane.plane import ControlPlane, collection_path

THREADS = 8


def add_namespace(plane: ControlPlane, name: str, labels: Mapping[str, str] | None = None) -> None:
    """A namespace (server-side applied, so it may exist) with its default service account."""
    plane.apply_object(
        {
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": {"name": name, **({"labels": dict(labels)} if labels else {})},
        }
    )
    plane.apply_object(
        {
            "apiVersion": "v1",
            "kind": "ServiceAccount",
            "metadata": {"name": "default", "namespace": name},
        }
    )


def add_pod(plane: ControlPlane, manifest: Mapping[str, Any]) -> None:
    """Create a pod from a manifest, then set its ``status`` the way a kubelet reports it."""
    meta = manifest["metadata"]
    namespace = meta["namespace"]
    body = {k: v for k, v in manifest.items() if k != "status"}
    plane.request("POST", collection_path("v1", "Pod", namespace), body)
    status = manifest.get("status")
    if status:
        plane.request(
            "PATCH",
            f"{collection_path('v1', 'Pod', namespace)}/{meta['name']}/status",
            {"status": status},
            content_type="application/merge-patch+json",
        )


def add_pods(plane: ControlPlane, manifests: Iterable[Mapping[str, Any]]) -> int:
    """Many pods at once, from a pool of threads; how many were added."""
    with ThreadPoolExecutor(THREADS) as pool:
        return sum(1 for _ in pool.map(lambda m: add_pod(plane, m), manifests))


def pod_ip(index: int, base: str = "10.244.0.0") -> str:
    return str(ipaddress.ip_address(base) + 2 + index)


def bulk_pod(namespace: str, index: int, phase: str = "Running") -> dict[str, Any]:
    """Pod ``index`` of a bulk namespace: a label cycling through 10 apps, one port."""
    ip = pod_ip(index)
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": f"pod-{index:05d}",
            "namespace": namespace,
            "labels": {"app": f"app-{index % 10}"},
        },
        "spec": {
            "containers": [
                {"name": "main", "image": "example/app", "ports": [{"containerPort": 8080}]}
            ]
        },
        "status": {"phase": phase, "podIP": ip, "podIPs": [{"ip": ip}]},
    }
