"""The upstream e2e world (namespaces x, y, z; pods a, b, c) and its truth-table DSL.

Mirrors test/e2e/network/netpol of kubernetes/kubernetes: every pod serves ports 80 and 81 over
TCP, UDP and SCTP with container ports named ``serve-<port>-<protocol>``; namespaces carry
``ns: <name>`` besides ``kubernetes.io/metadata.name``. Expectations are written as upstream
writes them (ExpectPeer, ExpectAllIngress, ...). Upstream ignores loopback probes; netfence
never filters a pod's traffic to itself, so loopback cells are expected allowed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

NAMESPACES = ("x", "y", "z")
POD_NAMES = ("a", "b", "c")
PODS = tuple(f"{ns}/{pod}" for ns in NAMESPACES for pod in POD_NAMES)


def pod_ip(pod: str) -> str:
    """x/a -> 10.244.1.10, y/b -> 10.244.2.20, ..."""
    namespace, name = pod.split("/")
    return f"10.244.{NAMESPACES.index(namespace) + 1}.{(POD_NAMES.index(name) + 1) * 10}"


def cluster_yaml(
    pod_labels: Mapping[str, Mapping[str, str]] | None = None,
    namespace_labels: Mapping[str, Mapping[str, str]] | None = None,
) -> str:
    """Namespaces and pods of the e2e model, with extra labels where a case adds them."""
    documents: list[dict[str, object]] = []
    for namespace in NAMESPACES:
        labels = {"ns": namespace, **(namespace_labels or {}).get(namespace, {})}
        documents.append(
            {
                "apiVersion": "v1",
                "kind": "Namespace",
                "metadata": {"name": namespace, "labels": labels},
            }
        )
    for pod in PODS:
        namespace, name = pod.split("/")
        containers = [
            {
                "name": f"cont-{port}-{protocol.lower()}",
                "image": "registry.k8s.io/e2e-test-images/agnhost:2.43",
                "ports": [
                    {
                        "containerPort": port,
                        "protocol": protocol,
                        "name": f"serve-{port}-{protocol.lower()}",
                    }
                ],
            }
            for port in (80, 81)
            for protocol in ("TCP", "UDP", "SCTP")
        ]
        documents.append(
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {
                    "name": name,
                    "namespace": namespace,
                    "labels": {"pod": name, **(pod_labels or {}).get(pod, {})},
                },
                "spec": {"containers": containers},
                "status": {"podIP": pod_ip(pod)},
            }
        )
    # JSON documents: YAML 1.1 would read an unquoted ``y`` as a boolean.
    return "---\n".join(json.dumps(document) + "\n" for document in documents)


def _matches(pattern: str, pod: str) -> bool:
    """``""`` any pod, ``"x"`` any pod of x, ``"x/a"`` that pod."""
    return pattern in ("", pod, pod.split("/")[0])


@dataclass
class Reachability:
    """Expected connectivity between every pair of the nine pods."""

    default: bool = True
    cells: dict[tuple[str, str], bool] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.cells = {(src, dst): self.default for src in PODS for dst in PODS}

    def expect(self, src: str, dst: str, allowed: bool) -> Reachability:
        self.cells[(src, dst)] = allowed
        return self

    def expect_peer(self, src: str, dst: str, allowed: bool) -> Reachability:
        """Every pair whose source matches ``src`` and target matches ``dst``."""
        for a, b in self.cells:
            if _matches(src, a) and _matches(dst, b):
                self.cells[(a, b)] = allowed
        return self

    def expect_all_ingress(self, pod: str, allowed: bool) -> Reachability:
        return self.expect_peer("", pod, allowed)

    def expect_all_egress(self, pod: str, allowed: bool) -> Reachability:
        return self.expect_peer(pod, "", allowed)

    def expected(self) -> dict[tuple[str, str], bool]:
        """The truth table with loopback allowed."""
        return {pair: pair[0] == pair[1] or allowed for pair, allowed in self.cells.items()}


def R(default: bool = True) -> Reachability:
    return Reachability(default)
