"""The SIG Network policy-API conformance world, written out as manifests.

Five namespaces labelled ``conformance-house: <house>``; two StatefulSet pods in each of
gryffindor (harry-potter), slytherin (draco-malfoy), hufflepuff (cedric-diggory) and
ravenclaw (luna-lovegood), serving 80/TCP (named ``web``), 8080/TCP, 53/UDP (named ``dns``),
5353/UDP, 9003/SCTP and 9005/SCTP; the forbidden-forrest's centaur is host-networked.
Helpers build the policy kinds in the shape the conformance YAMLs use.
"""

from __future__ import annotations

import json
from typing import Any

HOUSES = {
    "gryffindor": "harry-potter",
    "slytherin": "draco-malfoy",
    "hufflepuff": "cedric-diggory",
    "ravenclaw": "luna-lovegood",
}
PREFIX = "network-policy-conformance-"
NODE_IP = "172.18.0.2"
Manifest = dict[str, Any]


def namespace(house: str) -> str:
    return PREFIX + house


def pod(house: str, index: int = 0) -> str:
    """``gryffindor, 1`` -> ``network-policy-conformance-gryffindor/harry-potter-1``."""
    if house == "forbidden-forrest":
        return f"{PREFIX}{house}/centaur-0"
    return f"{PREFIX}{house}/{HOUSES[house]}-{index}"


def pod_ip(house: str, index: int) -> str:
    houses = [*HOUSES, "forbidden-forrest"]
    return f"10.244.{houses.index(house) + 1}.{index + 10}"


def _pod(house: str, name: str, index: int, host_network: bool = False) -> Manifest:
    ports = [
        {"containerPort": 80, "protocol": "TCP", "name": "web"},
        {"containerPort": 8080, "protocol": "TCP"},
        {"containerPort": 53, "protocol": "UDP", "name": "dns"},
        {"containerPort": 5353, "protocol": "UDP"},
        {"containerPort": 9003, "protocol": "SCTP"},
        {"containerPort": 9005, "protocol": "SCTP"},
    ]
    spec: Manifest = {"containers": [{"name": "server", "image": "agnhost", "ports": ports}]}
    if host_network:
        spec["hostNetwork"] = True
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": f"{name}-{index}",
            "namespace": namespace(house),
            "labels": {
                "conformance-house": house,
                "statefulset.kubernetes.io/pod-name": f"{name}-{index}",
            },
        },
        "spec": spec,
        "status": {"podIP": NODE_IP if host_network else pod_ip(house, index)},
    }


def world(with_forest: bool = False) -> list[Manifest]:
    houses = [*HOUSES, "forbidden-forrest"] if with_forest else list(HOUSES)
    docs: list[Manifest] = [
        {
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": {"name": namespace(h), "labels": {"conformance-house": h}},
        }
        for h in houses
    ]
    for house, name in HOUSES.items():
        docs += [_pod(house, name, i) for i in (0, 1)]
    if with_forest:
        docs.append(_pod("forbidden-forrest", "centaur", 0, host_network=True))
    return docs


def dump(docs: list[Manifest]) -> str:
    return "---\n".join(json.dumps(d) + "\n" for d in docs)


def houses(house: str) -> Manifest:
    """A ``namespaces`` subject or peer."""
    return {"namespaces": {"matchLabels": {"conformance-house": house}}}


def pods(house: str, pod_name: str | None = None) -> Manifest:
    """A ``pods`` subject or peer (one pod when ``pod_name`` is given)."""
    selector = {"conformance-house": house}
    if pod_name:
        selector = {"statefulset.kubernetes.io/pod-name": pod_name}
    return {
        "pods": {
            "namespaceSelector": {"matchLabels": {"conformance-house": house}},
            "podSelector": {"matchLabels": selector},
        }
    }


def rule(name: str, action: str, peers: list[Manifest], **ports: Any) -> Manifest:
    """An ingress/egress rule body; ``peers`` go under ``from``/``to`` when placed."""
    return {"name": name, "action": action, "_peers": peers, **ports}


def _place(rules: list[Manifest], key: str) -> list[Manifest]:
    placed = []
    for r in rules:
        body = {k: v for k, v in r.items() if k != "_peers"}
        body[key] = r["_peers"]
        placed.append(body)
    return placed


def cnp(
    name: str,
    tier: str,
    priority: int,
    subject: Manifest,
    ingress: list[Manifest] = (),  # type: ignore[assignment]
    egress: list[Manifest] = (),  # type: ignore[assignment]
    version: str = "v1alpha2",
) -> Manifest:
    spec: Manifest = {"tier": tier, "priority": priority, "subject": subject}
    if ingress:
        spec["ingress"] = _place(list(ingress), "from")
    if egress:
        spec["egress"] = _place(list(egress), "to")
    return {
        "apiVersion": f"policy.networking.k8s.io/{version}",
        "kind": "ClusterNetworkPolicy",
        "metadata": {"name": name},
        "spec": spec,
    }


def anp(
    name: str,
    priority: int | None,
    subject: Manifest,
    ingress: list[Manifest] = (),  # type: ignore[assignment]
    egress: list[Manifest] = (),  # type: ignore[assignment]
) -> Manifest:
    """An AdminNetworkPolicy, or (``priority`` None) the BaselineAdminNetworkPolicy."""
    spec: Manifest = {"subject": subject}
    if priority is not None:
        spec["priority"] = priority
    if ingress:
        spec["ingress"] = _place(list(ingress), "from")
    if egress:
        spec["egress"] = _place(list(egress), "to")
    kind = "AdminNetworkPolicy" if priority is not None else "BaselineAdminNetworkPolicy"
    return {
        "apiVersion": "policy.networking.k8s.io/v1alpha1",
        "kind": kind,
        "metadata": {"name": name if priority is not None else "default"},
        "spec": spec,
    }


def tcp(port: int, end: int | None = None) -> Manifest:
    return _protocol("tcp", port, end)


def udp(port: int, end: int | None = None) -> Manifest:
    return _protocol("udp", port, end)


def sctp(port: int, end: int | None = None) -> Manifest:
    return _protocol("sctp", port, end)


def _protocol(key: str, port: int, end: int | None) -> Manifest:
    match = {"number": port} if end is None else {"range": {"start": port, "end": end}}
    return {key: {"destinationPort": match}}


def network_policy(name: str, house: str, spec: Manifest) -> Manifest:
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": name, "namespace": namespace(house)},
        "spec": spec,
    }


def from_house(house: str) -> Manifest:
    return {"namespaceSelector": {"matchLabels": {"conformance-house": house}}}
