"""Which CNI runs, from DaemonSet names and container images, and whether it enforces policy."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

Enforcement = Literal["yes", "no", "unknown"]

# kindnetd enforces NetworkPolicy from kind v0.24 (image kindest/kindnetd:v20240813-...)
# and from kindnet v1.3.0 (images of the kindnet project itself).
KINDNETD_POLICY_DATE = 20240813
KINDNET_POLICY_VERSION = (1, 3)


@dataclass(frozen=True)
class DaemonSetInfo:
    """A DaemonSet's namespace, name and container images."""

    namespace: str
    name: str
    images: tuple[str, ...]

    @classmethod
    def from_manifest(cls, data: Mapping[str, Any]) -> DaemonSetInfo:
        meta = data.get("metadata") or {}
        spec = ((data.get("spec") or {}).get("template") or {}).get("spec") or {}
        containers = list(spec.get("containers") or []) + list(spec.get("initContainers") or [])
        return cls(
            str(meta.get("namespace", "")),
            str(meta.get("name", "")),
            tuple(str(c.get("image", "")) for c in containers),
        )

    @property
    def text(self) -> str:
        return " ".join((self.name, *self.images)).lower()


@dataclass(frozen=True)
class CniFound:
    """One recognised network plugin and whether it enforces NetworkPolicy."""

    name: str
    enforces: Enforcement
    daemonset: str
    note: str = ""


# (plugin, enforces, markers found in DaemonSet names or image references)
KNOWN_PLUGINS: tuple[tuple[str, Enforcement, tuple[str, ...]], ...] = (
    ("Calico", "yes", ("calico/node", "calico-node", "canal")),
    ("Cilium", "yes", ("cilium/cilium", "cilium-agent", "anetd")),
    ("Antrea", "yes", ("antrea/antrea", "antrea-agent")),
    ("kube-router", "yes", ("kube-router",)),
    ("Weave Net", "yes", ("weave-npc", "weave-net", "weaveworks/weave")),
    ("OVN-Kubernetes", "yes", ("ovnkube", "ovn-kubernetes")),
    ("kube-network-policies", "yes", ("kube-network-policies",)),
    ("Flannel", "no", ("flannel",)),
    ("kindnet", "unknown", ("kindnet",)),
)


def detect(daemonsets: Iterable[DaemonSetInfo]) -> list[CniFound]:
    """Every known plugin among the DaemonSets (one entry per plugin and DaemonSet)."""
    found: list[CniFound] = []
    for ds in daemonsets:
        for name, enforces, markers in KNOWN_PLUGINS:
            if any(marker in ds.text for marker in markers):
                where = f"{ds.namespace}/{ds.name}"
                if name == "kindnet":
                    enforces, note = kindnet_enforcement(ds.images)
                    found.append(CniFound(name, enforces, where, note))
                else:
                    found.append(CniFound(name, enforces, where))
    return found


def kindnet_enforcement(images: Iterable[str]) -> tuple[Enforcement, str]:
    """kindnet enforces policies only in newer releases; tell from the image tag."""
    for image in images:
        dated = re.search(r"kindnetd:v(\d{8})", image)
        if dated:
            ok = int(dated.group(1)) >= KINDNETD_POLICY_DATE
            return ("yes" if ok else "no"), f"image {image}"
        versioned = re.search(r"kindnet[d]?:v(\d+)\.(\d+)", image)
        if versioned:
            ok = (int(versioned.group(1)), int(versioned.group(2))) >= KINDNET_POLICY_VERSION
            return ("yes" if ok else "no"), f"image {image}"
    return "unknown", "image version not recognised"
