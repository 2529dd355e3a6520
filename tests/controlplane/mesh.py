"""The AI mesh of tests/cluster/objects.py in namespaces of its own, on the real server.

Each test puts the mesh into namespaces with its own suffix, so tests share one control plane
(namespaces cannot be deleted without a controller manager) and still do not meet.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import yaml

from tests.cluster.objects import MESH_NAMESPACES, mesh_manifests, mesh_workloads
from tests.controlplane.plane import ControlPlane
from tests.controlplane.seed import add_namespace, add_pod, add_pods

DNS_NAMESPACE = "kube-system"


def renamed(manifests: list[dict[str, Any]], suffix: str) -> list[dict[str, Any]]:
    """The manifests with each mesh namespace ``N`` renamed ``N-suffix``."""
    text = json.dumps(manifests)
    for name in MESH_NAMESPACES:
        text = text.replace(f'"{name}"', f'"{name}-{suffix}"')
    result: list[dict[str, Any]] = json.loads(text)
    return result


def add_dns(plane: ControlPlane) -> None:
    """CoreDNS's pod in kube-system (once per control plane)."""
    status, _ = plane.request(
        "GET", f"/api/v1/namespaces/{DNS_NAMESPACE}/pods/coredns-0", expect=None
    )
    if status == 200:
        return
    add_namespace(plane, DNS_NAMESPACE)
    (coredns,) = [o for o in mesh_workloads() if o["metadata"].get("name") == "coredns-0"]
    add_pod(plane, coredns)


def add_mesh(plane: ControlPlane, suffix: str, folder: Path) -> Path:
    """The mesh's unlabelled namespaces and pods on the server; its policies as files."""
    add_dns(plane)
    workloads = renamed(mesh_workloads(), suffix)
    for namespace in workloads:
        name = namespace["metadata"]["name"]
        if namespace["kind"] == "Namespace" and name != DNS_NAMESPACE:
            add_namespace(plane, name)
    pods = [o for o in workloads if o["kind"] == "Pod" and o["metadata"]["name"] != "coredns-0"]
    add_pods(plane, pods)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "mesh.yaml").write_text(yaml.safe_dump_all(renamed(mesh_manifests(), suffix)))
    return folder


def policy_spec(name: str) -> dict[str, Any]:
    """The spec of one of the mesh's policies (the first of that name)."""
    for manifest in mesh_manifests():
        if manifest["kind"] == "NetworkPolicy" and manifest["metadata"]["name"] == name:
            return copy.deepcopy(manifest["spec"])
    raise KeyError(name)


def remove_policies(plane: ControlPlane, suffix: str) -> None:
    """Delete every NetworkPolicy of the mesh's namespaces (they stay; policies go)."""
    for name in MESH_NAMESPACES:
        plane.request(
            "DELETE", f"/apis/networking.k8s.io/v1/namespaces/{name}-{suffix}/networkpolicies"
        )
