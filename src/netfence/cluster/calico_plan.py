"""Pure apply planning for Calico's kinds, kept apart from Kubernetes kinds of the same name.

Objects are told apart by (API group, kind, namespace, name): a ``projectcalico.org/v3``
NetworkPolicy is never a ``networking.k8s.io/v1`` one. Order: Tiers first (policies name
them), then network sets (policies select them), then policies (Allow-only ones first);
prunes the other way round (policies that deny first, tiers last).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

from netfence.load.calico_kinds import NAMESPACED_CALICO_KINDS, is_calico
from netfence.load.kinds import api_group

ObjectKey = tuple[str, str, str, str]
_KIND_RANK = {"Tier": 0, "GlobalNetworkSet": 1, "NetworkSet": 1}
_POLICY_RANK = 2


def _meta(obj: Mapping[str, Any]) -> Mapping[str, Any]:
    meta = obj.get("metadata")
    return meta if isinstance(meta, dict) else {}


def _spec(obj: Mapping[str, Any]) -> Mapping[str, Any]:
    spec = obj.get("spec")
    return spec if isinstance(spec, dict) else {}


def is_calico_object(obj: Mapping[str, Any]) -> bool:
    return is_calico(obj.get("apiVersion"), obj.get("kind"))


def calico_key(obj: Mapping[str, Any]) -> ObjectKey:
    """(group, kind, namespace, name); namespaced kinds default to namespace ``default``."""
    kind = str(obj.get("kind"))
    namespace = ""
    if kind in NAMESPACED_CALICO_KINDS:
        namespace = str(_meta(obj).get("namespace") or "default")
    return api_group(str(obj.get("apiVersion", ""))), kind, namespace, str(_meta(obj).get("name"))


def calico_body(manifest: Mapping[str, Any]) -> dict[str, Any]:
    """The manifest as sent: namespace set for namespaced kinds, absent for the others."""
    body = copy.deepcopy(dict(manifest))
    meta = body.setdefault("metadata", {})
    _, _, namespace, _ = calico_key(manifest)
    if namespace:
        meta["namespace"] = namespace
    else:
        meta.pop("namespace", None)
    return body


def rank(manifest: Mapping[str, Any]) -> int:
    """0 tiers, 1 network sets, 2 Allow-only policies, 3 policies that deny or pass."""
    kind = str(manifest.get("kind"))
    if kind in _KIND_RANK:
        return _KIND_RANK[kind]
    spec = _spec(manifest)
    rules = [r for d in ("ingress", "egress") for r in (spec.get(d) or []) if isinstance(r, dict)]
    return _POLICY_RANK + int(any(r.get("action") not in ("Allow", "Log") for r in rules))


def same_calico(desired: Mapping[str, Any], live: Mapping[str, Any]) -> bool:
    """Every field of the desired spec as live has it (the server may default others) and
    the desired labels present."""
    have = _spec(live)
    labels = set((_meta(desired).get("labels") or {}).items())
    return all(have.get(k) == v for k, v in _spec(desired).items()) and labels <= set(
        (_meta(live).get("labels") or {}).items()
    )


def ordered(manifests: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return sorted(manifests, key=lambda m: (rank(m), calico_key(m)))


def live_calico(live: Sequence[Mapping[str, Any]]) -> dict[ObjectKey, Mapping[str, Any]]:
    return {calico_key(o): o for o in live if is_calico_object(o)}
