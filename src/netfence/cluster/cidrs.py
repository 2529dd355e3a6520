"""The cluster's pod and service CIDRs, from wherever the cluster reveals them."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

POD_FLAGS = ("--cluster-cidr",)
SERVICE_FLAGS = ("--service-cluster-ip-range",)


@dataclass
class CidrFacts:
    """CIDR -> where it was found, for pods and for services."""

    pod: dict[str, str] = field(default_factory=dict)
    service: dict[str, str] = field(default_factory=dict)

    def add(self, kind: str, text: str, where: str) -> None:
        target = self.pod if kind == "pod" else self.service
        for part in str(text).split(","):
            part = part.strip()
            try:
                cidr = str(ipaddress.ip_network(part, strict=False))
            except ValueError:
                continue
            target.setdefault(cidr, where)


def _dict(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def from_nodes(facts: CidrFacts, nodes: Iterable[Mapping[str, Any]]) -> None:
    """``node.spec.podCIDRs`` (or ``podCIDR``) of every node."""
    for node in nodes:
        spec = _dict(node.get("spec"))
        name = _dict(node.get("metadata")).get("name", "?")
        for cidr in spec.get("podCIDRs") or [spec.get("podCIDR") or ""]:
            facts.add("pod", cidr, f"node {name}")


def from_config_maps(facts: CidrFacts, config_maps: Iterable[Mapping[str, Any]]) -> None:
    """kube-proxy's ``clusterCIDR`` and kubeadm's ``networking`` section."""
    for config_map in config_maps:
        name = _dict(config_map.get("metadata")).get("name", "")
        data = _dict(config_map.get("data"))
        if name == "kube-proxy":
            proxy = _load(data.get("config.conf"))
            facts.add("pod", str(proxy.get("clusterCIDR") or ""), "configmap kube-proxy")
        elif name == "kubeadm-config":
            networking = _dict(_load(data.get("ClusterConfiguration")).get("networking"))
            facts.add("pod", str(networking.get("podSubnet") or ""), "configmap kubeadm-config")
            facts.add(
                "service", str(networking.get("serviceSubnet") or ""), "configmap kubeadm-config"
            )


def from_control_plane_pods(facts: CidrFacts, pods: Iterable[Mapping[str, Any]]) -> None:
    """Flags of kube-apiserver and kube-controller-manager static pods."""
    for pod in pods:
        name = _dict(pod.get("metadata")).get("name", "?")
        for container in _dict(pod.get("spec")).get("containers") or []:
            args = [*(container.get("command") or []), *(container.get("args") or [])]
            for arg in args:
                flag, _, value = str(arg).partition("=")
                if flag in POD_FLAGS:
                    facts.add("pod", value, f"pod {name} {flag}")
                elif flag in SERVICE_FLAGS:
                    facts.add("service", value, f"pod {name} {flag}")


def _load(text: Any) -> Mapping[str, Any]:
    if not isinstance(text, str):
        return {}
    try:
        return _dict(yaml.safe_load(text))
    except yaml.YAMLError:
        return {}
