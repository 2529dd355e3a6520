"""``verify``: the live policies against the expected ones, object by object and by connectivity."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from netfence.cluster.applyplan import (
    is_live_network_policy,
    is_managed,
    model_of,
    namespace_body,
    plan_apply,
    projected,
    same_policy,
)
from netfence.cluster.calico_plan import (
    calico_body,
    calico_key,
    is_calico_object,
    live_calico,
    same_calico,
)
from netfence.cluster.cilium_plan import (
    cilium_body,
    cilium_key,
    is_cilium_object,
    live_cilium,
    same_cilium,
)
from netfence.cluster.desired import DesiredState
from netfence.diff import DiffResult, compare

ObjectKey = tuple[str, str, str, str]
DriftKind = Literal["missing", "extra", "differs", "labels"]


@dataclass(frozen=True)
class NamespaceCount:
    """Policies per namespace: live, expected, and live ones labelled as netfence's."""

    namespace: str
    live: int
    expected: int
    managed: int


@dataclass(frozen=True)
class Drift:
    """One object that is not as expected."""

    kind: DriftKind
    ident: str
    detail: str = ""


@dataclass(frozen=True)
class VerifyResult:
    counts: tuple[NamespaceCount, ...]
    drift: tuple[Drift, ...]
    connectivity: DiffResult

    @property
    def drifted(self) -> bool:
        return bool(self.drift or self.connectivity.changes)


def _meta(obj: Mapping[str, Any]) -> Mapping[str, Any]:
    meta = obj.get("metadata")
    return meta if isinstance(meta, dict) else {}


def _key(obj: Mapping[str, Any]) -> tuple[str, str]:
    return str(_meta(obj).get("namespace") or "default"), str(_meta(obj).get("name") or "")


def scope(desired: DesiredState) -> set[str]:
    """Namespaces the expected state speaks for."""
    named = {str(_meta(n).get("name")) for n in desired.namespaces}
    return named | {_key(p)[0] for p in desired.policies}


def _in_scope(obj: Mapping[str, Any], namespaces: set[str]) -> bool:
    return _key(obj)[0] in namespaces or is_managed(obj)


def _custom_in_scope(obj: Mapping[str, Any], namespaces: set[str]) -> bool:
    """Calico or Cilium objects the expected state speaks for: netfence's own, and
    namespaced ones in its namespaces."""
    key = calico_key(obj) if is_calico_object(obj) else cilium_key(obj)
    return is_managed(obj) or key[2] in namespaces


def _drift(
    wanted: Mapping[ObjectKey, Mapping[str, Any]],
    have: Mapping[ObjectKey, Mapping[str, Any]],
    same: Callable[[Mapping[str, Any], Mapping[str, Any]], bool],
    ident: Callable[[ObjectKey], str],
) -> list[Drift]:
    """Missing, extra and differing objects, by (group, kind, namespace, name)."""
    drift: list[Drift] = []
    for key in sorted(wanted.keys() | have.keys()):
        if key not in have:
            drift.append(Drift("missing", ident(key)))
        elif key not in wanted:
            drift.append(Drift("extra", ident(key), "not in the expected set"))
        elif not same(wanted[key], have[key]):
            drift.append(Drift("differs", ident(key), "spec or labels differ"))
    return drift


def calico_drift(desired: DesiredState, live: Sequence[Mapping[str, Any]]) -> list[Drift]:
    """Missing, extra and differing Calico objects (told apart by group, kind and name)."""
    namespaces = scope(desired)
    have = {k: o for k, o in live_calico(live).items() if _custom_in_scope(o, namespaces)}
    wanted = {calico_key(m): calico_body(m) for m in desired.calico}
    return _drift(
        wanted,
        have,
        same_calico,
        lambda k: "/".join(p for p in (f"{k[1]}.{k[0]}", k[2], k[3]) if p),
    )


def cilium_drift(desired: DesiredState, live: Sequence[Mapping[str, Any]]) -> list[Drift]:
    """Missing, extra and differing Cilium objects (``CiliumNetworkPolicy/ns/name``)."""
    namespaces = scope(desired)
    have = {k: o for k, o in live_cilium(live).items() if _custom_in_scope(o, namespaces)}
    wanted = {cilium_key(m): cilium_body(m) for m in desired.cilium}
    return _drift(wanted, have, same_cilium, lambda k: "/".join(p for p in (k[1], k[2], k[3]) if p))


def expected_manifests(
    desired: DesiredState, live: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """Live workloads and foreign policies, with the expected policies and labels in place."""
    namespaces = scope(desired)
    kept = [
        o
        for o in live
        if not (is_live_network_policy(o) and _in_scope(o, namespaces))
        and not ((is_calico_object(o) or is_cilium_object(o)) and _custom_in_scope(o, namespaces))
    ]
    return projected(kept, plan_apply(desired, kept, prune=False))


def object_drift(desired: DesiredState, live: Sequence[Mapping[str, Any]]) -> list[Drift]:
    """Missing, extra and differing policies, and namespace labels that are not set."""
    namespaces = scope(desired)
    live_policies = {
        _key(o): o for o in live if is_live_network_policy(o) and _in_scope(o, namespaces)
    }
    wanted = {_key(p): p for p in desired.policies}
    drift: list[Drift] = []
    for key in sorted(wanted.keys() | live_policies.keys()):
        ident = f"NetworkPolicy/{key[0]}/{key[1]}"
        if key not in live_policies:
            drift.append(Drift("missing", ident))
        elif key not in wanted:
            drift.append(Drift("extra", ident, "not in the expected set"))
        elif not same_policy(wanted[key], live_policies[key]):
            drift.append(Drift("differs", ident, "spec or labels differ"))
    drift += calico_drift(desired, live)
    drift += cilium_drift(desired, live)
    live_labels = {
        str(_meta(o).get("name")): dict(_meta(o).get("labels") or {})
        for o in live
        if o.get("kind") == "Namespace"
    }
    for namespace in desired.namespaces:
        body = namespace_body(namespace)["metadata"]
        name = str(body["name"])
        have = live_labels.get(name)
        unset = {k: v for k, v in body["labels"].items() if (have or {}).get(k) != v}
        if have is None:
            drift.append(Drift("missing", f"Namespace/{name}"))
        elif unset:
            text = ",".join(f"{k}={v}" for k, v in sorted(unset.items()))
            drift.append(Drift("labels", f"Namespace/{name}", f"labels not set: {text}"))
    return drift


def counts(desired: DesiredState, live: Sequence[Mapping[str, Any]]) -> list[NamespaceCount]:
    """Policies per namespace, for every namespace with live or expected policies."""
    live_policies = [o for o in live if is_live_network_policy(o)]
    live_count = Counter(_key(o)[0] for o in live_policies)
    managed_count = Counter(_key(o)[0] for o in live_policies if is_managed(o))
    expected_count = Counter(_key(p)[0] for p in desired.policies)
    names = sorted(live_count.keys() | expected_count.keys())
    return [NamespaceCount(n, live_count[n], expected_count[n], managed_count[n]) for n in names]


def verify(desired: DesiredState, live: Sequence[Mapping[str, Any]]) -> VerifyResult:
    """Compare the live snapshot with the expected state."""
    connectivity = compare(
        model_of(live, "live"),
        model_of(expected_manifests(desired, live), "expected"),
        old_label="live",
        new_label="expected",
    )
    return VerifyResult(
        tuple(counts(desired, live)), tuple(object_drift(desired, live)), connectivity
    )
