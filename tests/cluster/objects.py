"""Builders for objects the stand-in cluster holds in tests."""

from __future__ import annotations

from typing import Any


def namespace(name: str, **labels: str) -> dict[str, Any]:
    all_labels = {"kubernetes.io/metadata.name": name, **labels}
    return {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": name, "labels": all_labels},
    }


def pod(
    namespace: str,
    name: str,
    ip: str,
    labels: dict[str, str] | None = None,
    ports: list[dict[str, Any]] | None = None,
    owner: str | None = None,
    phase: str = "Running",
) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name, "namespace": namespace, "labels": labels or {}}
    if owner:
        meta["ownerReferences"] = [{"kind": "ReplicaSet", "name": owner, "uid": owner}]
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": meta,
        "spec": {"containers": [{"name": "main", "image": "example/app", "ports": ports or []}]},
        "status": {"phase": phase, "podIP": ip, "podIPs": [{"ip": ip}]},
    }


def workload(
    kind: str, namespace: str, name: str, labels: dict[str, str], owner: str | None = None
) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name, "namespace": namespace, "uid": name}
    if owner:
        meta["ownerReferences"] = [{"kind": "Deployment", "name": owner, "uid": owner}]
    return {
        "apiVersion": "apps/v1",
        "kind": kind,
        "metadata": meta,
        "spec": {
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {"containers": [{"name": "main", "image": "example/app"}]},
            },
        },
    }


def daemonset(namespace: str, name: str, *images: str) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "DaemonSet",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {
                    "containers": [
                        {"name": f"c{i}", "image": image} for i, image in enumerate(images)
                    ]
                },
            },
        },
    }


def policy(namespace: str, name: str, spec: dict[str, Any], **labels: str) -> dict[str, Any]:
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": name, "namespace": namespace, "labels": labels},
        "spec": spec,
    }


DENY_ALL = {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
ALLOW_DNS = {
    "podSelector": {},
    "policyTypes": ["Egress"],
    "egress": [
        {
            "to": [
                {
                    "namespaceSelector": {},
                    "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}},
                }
            ],
            "ports": [{"port": 53, "protocol": "UDP"}, {"port": 53, "protocol": "TCP"}],
        }
    ],
}


ALLOW_GATEWAY = {
    "podSelector": {"matchLabels": {"app": "vllm"}},
    "policyTypes": ["Ingress"],
    "ingress": [
        {
            "from": [{"namespaceSelector": {"matchLabels": {"purpose": "gateway"}}}],
            "ports": [{"port": 8000, "protocol": "TCP"}],
        }
    ],
}
ALLOW_STORAGE = {
    "podSelector": {"matchLabels": {"app": "minio"}},
    "policyTypes": ["Ingress"],
    "ingress": [
        {
            "from": [{"namespaceSelector": {"matchLabels": {"purpose": "inference"}}}],
            "ports": [{"port": 443, "protocol": "TCP"}],
        }
    ],
}
ALLOW_TO_INFERENCE = {
    "podSelector": {"matchLabels": {"app": "gateway"}},
    "policyTypes": ["Egress"],
    "egress": [
        {
            "to": [{"namespaceSelector": {"matchLabels": {"purpose": "inference"}}}],
            "ports": [{"port": 8000, "protocol": "TCP"}],
        }
    ],
}
MESH_NAMESPACES = {"ai-inference": "inference", "ai-data": "data", "gateway": "gateway"}


def mesh_manifests() -> list[dict[str, Any]]:
    """Labelled namespaces, deny-all + allow-dns in each, and three allows (12 changes)."""
    manifests: list[dict[str, Any]] = [
        namespace(name, purpose=purpose) for name, purpose in MESH_NAMESPACES.items()
    ]
    for name in MESH_NAMESPACES:
        manifests += [policy(name, "deny-all", DENY_ALL), policy(name, "allow-dns", ALLOW_DNS)]
    manifests += [
        policy("ai-inference", "allow-from-gateway", ALLOW_GATEWAY),
        policy("ai-data", "allow-from-inference", ALLOW_STORAGE),
        policy("gateway", "allow-to-inference", ALLOW_TO_INFERENCE),
    ]
    return manifests


def mesh_workloads() -> list[dict[str, Any]]:
    """Unlabelled namespaces with one pod each, and CoreDNS in kube-system."""
    return [
        *(namespace(name) for name in (*MESH_NAMESPACES, "kube-system")),
        pod(
            "ai-inference",
            "vllm-0",
            "10.244.1.10",
            {"app": "vllm"},
            [{"containerPort": 8000, "name": "http"}],
        ),
        pod(
            "ai-data",
            "minio-0",
            "10.244.3.10",
            {"app": "minio"},
            [{"containerPort": 443, "name": "https"}],
        ),
        pod("gateway", "gateway-0", "10.244.4.10", {"app": "gateway"}),
        pod(
            "kube-system",
            "coredns-0",
            "10.244.0.10",
            {"k8s-app": "kube-dns"},
            [{"containerPort": 53, "protocol": "UDP"}],
        ),
    ]
