"""A seeded synthetic cluster: namespaces, workloads' pods with realistic labels, and policies
mixing every selector, port and ipBlock form. Pure: returns manifests as dicts."""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass
from typing import Any

Manifest = dict[str, Any]

TIERS = ("web", "api", "worker", "db", "cache", "inference", "vector-db", "gateway")
TEAMS = ("search", "ml", "payments", "platform", "growth")
ENVIRONMENTS = ("prod", "staging")
PORTS_BY_TIER: dict[str, tuple[tuple[int, str, str], ...]] = {
    "web": ((8080, "TCP", "http"), (9090, "TCP", "metrics")),
    "api": ((8000, "TCP", "http"), (50051, "TCP", "grpc"), (9090, "TCP", "metrics")),
    "worker": ((9090, "TCP", "metrics"),),
    "db": ((5432, "TCP", "postgres"),),
    "cache": ((6379, "TCP", "redis"),),
    "inference": ((8000, "TCP", "http"), (8001, "TCP", "grpc"), (9400, "TCP", "metrics")),
    "vector-db": ((6333, "TCP", "http"), (6334, "TCP", "grpc")),
    "gateway": ((443, "TCP", "https"), (53, "UDP", "dns"), (9000, "SCTP", "sig")),
}


@dataclass(frozen=True)
class Synthetic:
    """The manifests of one synthetic cluster."""

    namespaces: tuple[Manifest, ...]
    pods: tuple[Manifest, ...]
    policies: tuple[Manifest, ...]


def _selector(rng: random.Random, namespace_pods: list[Manifest]) -> dict[str, Any]:
    """A pod selector in one of several forms, usually matching some existing pods."""
    labels = rng.choice(namespace_pods)["metadata"]["labels"] if namespace_pods else {}
    form = rng.random()
    if form < 0.1:
        return {}
    if form < 0.55:
        return {"matchLabels": {"app": labels.get("app", "none")}}
    if form < 0.75:
        return {"matchLabels": {"tier": labels.get("tier", "web")}}
    if form < 0.9:
        tiers = rng.sample(TIERS, 2)
        return {"matchExpressions": [{"key": "tier", "operator": "In", "values": tiers}]}
    return {
        "matchLabels": {"team": rng.choice(TEAMS)},
        "matchExpressions": [{"key": "canary", "operator": "DoesNotExist"}],
    }


def _namespace_selector(rng: random.Random, names: list[str]) -> dict[str, Any]:
    form = rng.random()
    if form < 0.15:
        return {}
    if form < 0.6:
        return {"matchLabels": {"kubernetes.io/metadata.name": rng.choice(names)}}
    if form < 0.85:
        return {"matchLabels": {"team": rng.choice(TEAMS)}}
    return {"matchExpressions": [{"key": "env", "operator": "NotIn", "values": ["staging"]}]}


def _peer(rng: random.Random, names: list[str], pods: dict[str, list[Manifest]]) -> dict[str, Any]:
    form = rng.random()
    if form < 0.35:
        return {"podSelector": _selector(rng, pods[rng.choice(names)])}
    if form < 0.55:
        return {"namespaceSelector": _namespace_selector(rng, names)}
    if form < 0.85:
        other = rng.choice(names)
        return {
            "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": other}},
            "podSelector": _selector(rng, pods[other]),
        }
    second = rng.randrange(4)
    blocks = (
        {"cidr": "0.0.0.0/0", "except": ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]},
        {"cidr": f"10.{rng.randrange(4)}.{rng.randrange(256)}.0/24"},
        {"cidr": "192.0.2.0/24"},
        {"cidr": "203.0.113.0/24", "except": ["203.0.113.128/25"]},
        {"cidr": "2001:db8::/32"},
        {"cidr": f"10.{second}.0.0/16", "except": [f"10.{second}.{rng.randrange(256)}.0/24"]},
    )
    return {"ipBlock": rng.choice(blocks)}


def _ports(rng: random.Random) -> list[dict[str, Any]]:
    form = rng.random()
    if form < 0.2:
        return []
    tier_ports = PORTS_BY_TIER[rng.choice(TIERS)]
    port, protocol, name = rng.choice(tier_ports)
    if form < 0.55:
        return [{"port": port, "protocol": protocol}]
    if form < 0.8:
        return [{"port": name, "protocol": protocol}]
    if form < 0.9:
        return [{"port": 8000, "endPort": 8100}]
    return [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}]


def _policy(
    rng: random.Random,
    index: int,
    namespace: str,
    names: list[str],
    pods: dict[str, list[Manifest]],
) -> Manifest:
    spec: dict[str, Any] = {"podSelector": _selector(rng, pods[namespace])}
    types = rng.choice((["Ingress"], ["Egress"], ["Ingress", "Egress"], None))
    for direction, key in (("ingress", "from"), ("egress", "to")):
        if types is not None and direction.capitalize() not in types:
            continue
        rules = []
        for _ in range(rng.choice((0, 1, 1, 2, 3))):
            rule: dict[str, Any] = {}
            peers = [_peer(rng, names, pods) for _ in range(rng.choice((0, 1, 1, 2)))]
            if peers:
                rule[key] = peers
            ports = _ports(rng)
            if ports:
                rule["ports"] = ports
            rules.append(rule)
        if rules or types is not None:
            spec[direction] = rules
    if types is not None:
        spec["policyTypes"] = types
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": f"policy-{index}", "namespace": namespace},
        "spec": spec,
    }


HASH_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"


def _template_hash(workload: str) -> str:
    """A pod-template-hash look-alike (letters and digits, never read as a number)."""
    value = zlib.crc32(workload.encode())
    letters = []
    for _ in range(10):
        value, digit = divmod(value * 7 + 3, len(HASH_ALPHABET))
        letters.append(HASH_ALPHABET[digit])
    return "".join(letters)


def _workload_labels(rng: random.Random, workload: str, tier: str) -> dict[str, str]:
    """Labels every replica of a workload shares."""
    labels = {
        "app": workload,
        "tier": tier,
        "team": rng.choice(TEAMS),
        "version": rng.choice(("v1", "v2")),
        "pod-template-hash": _template_hash(workload),
    }
    if rng.random() < 0.05:
        labels["canary"] = "true"
    return labels


def _pod(namespace: str, workload: str, labels: dict[str, str], replica: int, ip: int) -> Manifest:
    tier = labels["tier"]
    ports = [
        {"containerPort": port, "protocol": protocol, "name": name}
        for port, protocol, name in PORTS_BY_TIER[tier]
    ]
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": f"{workload}-{replica}", "namespace": namespace, "labels": labels},
        "spec": {"containers": [{"name": "main", "image": "example/app", "ports": ports}]},
        "status": {"podIP": f"10.{ip >> 16 & 255}.{ip >> 8 & 255}.{ip & 255}"},
    }


def synthetic_cluster(pods: int, policies: int, seed: int = 1) -> Synthetic:
    """About ``pods`` pods in pods/40 namespaces and exactly ``policies`` policies."""
    rng = random.Random(seed)
    names = [f"ns-{i}" for i in range(max(2, pods // 40))]
    namespaces = tuple(
        {
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": {
                "name": name,
                "labels": {"team": rng.choice(TEAMS), "env": rng.choice(ENVIRONMENTS)},
            },
        }
        for name in names
    )
    by_namespace: dict[str, list[Manifest]] = {name: [] for name in names}
    created = 0
    workload = 0
    while created < pods:
        namespace = rng.choice(names)
        tier = rng.choice(TIERS)
        replicas = min(rng.choice((1, 2, 3, 3, 5, 8)), pods - created)
        name = f"{tier}-{workload}"
        labels = _workload_labels(rng, name, tier)
        for replica in range(replicas):
            created += 1
            by_namespace[namespace].append(_pod(namespace, name, labels, replica, created))
        workload += 1
    manifests = tuple(
        _policy(rng, i, rng.choice(names), names, by_namespace) for i in range(policies)
    )
    all_pods = tuple(p for name in names for p in by_namespace[name])
    return Synthetic(namespaces, all_pods, manifests)
