"""Random small clusters with Calico policies (default tier only), as manifests.

Seeded, so a failing case is reproduced by its seed. Two labelled namespaces, a handful of
pods serving named TCP and UDP ports, NetworkPolicies and GlobalNetworkPolicies with random
orders, actions (Allow, Deny, Pass, Log), protocols, ports (numbers, ranges, names,
notPorts), selectors built from the whole operator set, namespace selectors, and sometimes a
Kubernetes NetworkPolicy. Features the peer analyzer reads differently from Calico's docs
(tiers, service accounts, nets mixed with selectors, ``projectcalico.org/name``, empty rule
lists) are left out.
"""

from __future__ import annotations

import random
from typing import Any

Manifest = dict[str, Any]
NAMESPACES = {"alpha": {"team": "red"}, "beta": {"team": "blue"}}
APPS = ("web", "db", "api")
ROLES = ("front", "back")


def selector(rng: random.Random, depth: int = 0) -> str:
    """A random Calico selector over the ``app`` and ``role`` labels."""
    roll = rng.random()
    if depth < 2 and roll < 0.2:
        joiner = rng.choice(("&&", "||"))
        return f"({selector(rng, depth + 1)}) {joiner} ({selector(rng, depth + 1)})"
    if depth < 2 and roll < 0.28:
        return f"!({selector(rng, depth + 1)})"
    key, values = rng.choice((("app", APPS), ("role", ROLES)))
    value = rng.choice(values)
    return rng.choice(
        (
            f"{key} == '{value}'",
            f"{key} != '{value}'",
            f"{key} in {{'{value}', '{rng.choice(values)}'}}",
            f"{key} not in {{'{value}'}}",
            f"has({key})",
            f"!has({key})",
            "all()",
        )
    )


def entity(rng: random.Random, protocol: str | None, destination: bool) -> Manifest:
    out: Manifest = {}
    if rng.random() < 0.6:
        out["selector"] = selector(rng)
    if rng.random() < 0.25:
        out["namespaceSelector"] = rng.choice(
            ("team == 'red'", "team == 'blue'", "all()", "kubernetes.io/metadata.name == 'beta'")
        )
    if destination and protocol is not None and rng.random() < 0.7:
        ports: list[Any] = [
            rng.choice((80, 8080, 53, "8000:9000", "1:100", "http", "dns")) for _ in range(2)
        ]
        out["notPorts" if rng.random() < 0.2 else "ports"] = ports
    return out


def rule(rng: random.Random) -> Manifest:
    protocol = rng.choice((None, "TCP", "TCP", "UDP"))
    out: Manifest = {"action": rng.choice(("Allow", "Allow", "Deny", "Pass", "Log"))}
    if protocol is not None:
        out["protocol"] = protocol
    elif rng.random() < 0.15:
        out["notProtocol"] = "UDP"
    source = entity(rng, protocol, destination=False)
    destination = entity(rng, protocol, destination=True)
    if source:
        out["source"] = source
    if destination:
        out["destination"] = destination
    return out


def calico_policy(rng: random.Random, index: int) -> Manifest:
    is_global = rng.random() < 0.4
    spec: Manifest = {"selector": selector(rng)}
    order = rng.choice((None, 10, 100, 100, 1000, 2000))
    if order is not None:
        spec["order"] = order
    directions = rng.choice((["ingress"], ["egress"], ["ingress", "egress"]))
    for direction in directions:
        rules = [rule(rng) for _ in range(rng.randint(0, 3))]
        if rules:  # nca reads ``egress: []`` as present rules for the types default
            spec[direction] = rules
    if rng.random() < 0.5:
        spec["types"] = [d.capitalize() for d in directions]
    metadata: Manifest = {"name": f"p{index}"}
    if not is_global:
        metadata["namespace"] = rng.choice(tuple(NAMESPACES))
    return {
        "apiVersion": "projectcalico.org/v3",
        "kind": "GlobalNetworkPolicy" if is_global else "NetworkPolicy",
        "metadata": metadata,
        "spec": spec,
    }


def kubernetes_policy(rng: random.Random, index: int) -> Manifest:
    app = rng.choice(APPS)
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": f"k{index}", "namespace": rng.choice(tuple(NAMESPACES))},
        "spec": {
            "podSelector": {"matchLabels": {"app": app}},
            "ingress": [
                {
                    "from": [{"podSelector": {"matchLabels": {"role": rng.choice(ROLES)}}}],
                    "ports": [{"port": rng.choice((80, 8080)), "protocol": "TCP"}],
                }
            ],
        },
    }


def pod(rng: random.Random, index: int) -> Manifest:
    namespace = rng.choice(tuple(NAMESPACES))
    spec: Manifest = {
        "containers": [
            {
                "name": "c",
                "image": "x",
                "ports": [
                    {"containerPort": rng.choice((80, 8080)), "name": "http"},
                    {"containerPort": 53, "protocol": "UDP", "name": "dns"},
                ],
            }
        ]
    }
    if rng.random() < 0.3:
        spec["serviceAccountName"] = "robot"
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": f"pod{index}",
            "namespace": namespace,
            "labels": {"app": rng.choice(APPS), "role": rng.choice(ROLES)},
        },
        "spec": spec,
        "status": {"podIP": f"10.1.0.{index + 1}"},
    }


def cluster(seed: int) -> list[Manifest]:
    """Namespaces, pods, then policies of one random cluster."""
    rng = random.Random(seed)
    out: list[Manifest] = [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": n, "labels": labels}}
        for n, labels in NAMESPACES.items()
    ]
    out += [pod(rng, i) for i in range(rng.randint(3, 6))]
    out += [calico_policy(rng, i) for i in range(rng.randint(1, 4))]
    if rng.random() < 0.4:
        out.append(kubernetes_policy(rng, 0))
    return out
