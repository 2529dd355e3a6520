"""Pure apply planning for Cilium's kinds (``cilium.io``).

Objects are told apart by (API group, kind, namespace, name). Order: CIDR groups first
(policies name them), then policies that only allow, then policies with deny rules; prunes
the other way round (policies that deny first, CIDR groups last).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

from netfence.load.cilium_kinds import CIDR_GROUP_KIND, NAMESPACED_CILIUM_KINDS, is_cilium
from netfence.load.kinds import api_group

ObjectKey = tuple[str, str, str, str]
DENY_FIELDS = ("ingressDeny", "egressDeny")
RULE_FIELDS = ("spec", "specs")


def _meta(obj: Mapping[str, Any]) -> Mapping[str, Any]:
    meta = obj.get("metadata")
    return meta if isinstance(meta, dict) else {}


def rules(manifest: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """A policy's rules: its ``spec`` and every entry of its ``specs``."""
    spec, specs = manifest.get("spec"), manifest.get("specs")
    found: list[Mapping[str, Any]] = [spec] if isinstance(spec, dict) else []
    return found + [s for s in (specs if isinstance(specs, list) else []) if isinstance(s, dict)]


def is_cilium_object(obj: Mapping[str, Any]) -> bool:
    return is_cilium(obj.get("apiVersion"), obj.get("kind"))


def cilium_key(obj: Mapping[str, Any]) -> ObjectKey:
    """(group, kind, namespace, name); CiliumNetworkPolicies default to namespace ``default``."""
    kind = str(obj.get("kind"))
    namespace = ""
    if kind in NAMESPACED_CILIUM_KINDS:
        namespace = str(_meta(obj).get("namespace") or "default")
    return api_group(str(obj.get("apiVersion", ""))), kind, namespace, str(_meta(obj).get("name"))


def cilium_body(manifest: Mapping[str, Any]) -> dict[str, Any]:
    """The manifest as sent: namespace set for CiliumNetworkPolicies, absent for the others."""
    body = copy.deepcopy(dict(manifest))
    meta = body.setdefault("metadata", {})
    _, _, namespace, _ = cilium_key(manifest)
    if namespace:
        meta["namespace"] = namespace
    else:
        meta.pop("namespace", None)
    return body


def rank(manifest: Mapping[str, Any]) -> int:
    """0 CIDR groups, 1 policies that only allow, 2 policies with deny rules."""
    if manifest.get("kind") == CIDR_GROUP_KIND:
        return 0
    return 1 + int(any(rule.get(f) for rule in rules(manifest) for f in DENY_FIELDS))


def same_cilium(desired: Mapping[str, Any], live: Mapping[str, Any]) -> bool:
    """The desired ``spec``/``specs`` exactly as live has them (Cilium's CRDs default no
    field) and the desired labels present."""
    labels = set((_meta(desired).get("labels") or {}).items())
    return all(desired.get(k) == live.get(k) for k in RULE_FIELDS) and labels <= set(
        (_meta(live).get("labels") or {}).items()
    )


def ordered(manifests: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return sorted(manifests, key=lambda m: (rank(m), cilium_key(m)))


def live_cilium(live: Sequence[Mapping[str, Any]]) -> dict[ObjectKey, Mapping[str, Any]]:
    return {cilium_key(o): o for o in live if is_cilium_object(o)}


def fqdn_policies(manifests: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The Cilium policies among ``manifests`` with an egress rule naming ``toFQDNs``."""
    return [
        m
        for m in manifests
        if is_cilium_object(m)
        and any(
            isinstance(r, dict) and r.get("toFQDNs")
            for rule in rules(m)
            for r in (rule.get("egress") or [])
        )
    ]
