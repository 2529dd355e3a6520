"""The kinds netfence reads, in words, for the line that refuses an input holding none of them.

Kubernetes and Cilium kinds are known by name (every Cilium CRD kind starts with ``Cilium``);
Calico's are known by API group, since they share names with Kubernetes kinds; the one
ConfigMap read is Cilium's cluster configuration.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from netfence.load.calico_kinds import CALICO_KINDS, SERVED_VERSIONS

CILIUM_PREFIX = "Cilium"


def describe_read_kinds(known: Iterable[str]) -> str:
    """``Kubernetes ...; Cilium (cilium.io) ...; Calico (...) ...`` for the ``known`` kinds."""
    kinds = sorted(known)
    kubernetes = [kind for kind in kinds if not kind.startswith(CILIUM_PREFIX)]
    cilium = [kind for kind in kinds if kind.startswith(CILIUM_PREFIX)]
    calico_versions = ", ".join(f"{group}/{version}" for group, version in SERVED_VERSIONS.items())
    return (
        f"Kubernetes {', '.join(kubernetes)}; "
        f"Cilium (cilium.io) {', '.join(cilium)} and the cilium-config ConfigMap; "
        f"Calico ({calico_versions}) {', '.join(CALICO_KINDS)}"
    )


def describe_skipped(kinds: Counter[str]) -> str:
    """``2 Ingress, 1 Route``: how many objects of each skipped kind, most first."""
    return ", ".join(f"{count} {kind}" for kind, count in kinds.most_common())
