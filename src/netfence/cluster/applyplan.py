"""Pure apply planning: what to create, change and prune, and in which safe order.

Order: namespace labels first, then every policy that admits traffic (those admitting DNS
first), then policies that only isolate (deny-all), then tier policies (Allow-only ones
first), then Calico objects (``calico_plan``), then Cilium objects (``cilium_plan``), then prunes
(isolating ones first). So
a run stopped at any step never leaves a namespace isolated for egress without its DNS
allows, and never labels too late for a namespaceSelector.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal, cast

from netfence.cluster.calico_plan import (
    calico_body,
    calico_key,
    is_calico_object,
    live_calico,
    ordered,
    same_calico,
)
from netfence.cluster.cilium_plan import (
    cilium_body,
    cilium_key,
    is_cilium_object,
    live_cilium,
    same_cilium,
)
from netfence.cluster.cilium_plan import ordered as cilium_ordered
from netfence.cluster.desired import DesiredState
from netfence.load import Document
from netfence.load.kinds import api_group, is_network_policy
from netfence.model import NAMESPACE_NAME_LABEL, Cluster, NetworkPolicy, build_cluster
from netfence.model.build import network_policy
from netfence.model.tiers_build import TIER_KINDS
from netfence.problems import Source
from netfence.vocabulary import DNS_PORT, MANAGED_BY_LABEL, MANAGER

Action = Literal["create", "change", "unchanged", "prune"]


@dataclass(frozen=True)
class Step:
    """One object netfence sends (``body``) or deletes, with what it changes."""

    action: Action
    kind: Literal[
        "Namespace",
        "NetworkPolicy",
        "AdminNetworkPolicy",
        "BaselineAdminNetworkPolicy",
        "ClusterNetworkPolicy",
        "GlobalNetworkPolicy",
        "NetworkSet",
        "GlobalNetworkSet",
        "Tier",
        "CiliumNetworkPolicy",
        "CiliumClusterwideNetworkPolicy",
        "CiliumCIDRGroup",
    ]
    namespace: str
    name: str
    body: Mapping[str, Any]
    detail: str = ""

    @property
    def group(self) -> str:
        return api_group(str(self.body.get("apiVersion", "")))

    @property
    def is_calico(self) -> bool:
        return is_calico_object(self.body)

    @property
    def is_cilium(self) -> bool:
        return is_cilium_object(self.body)

    @property
    def ident(self) -> str:
        """``NetworkPolicy/ns/name``; Calico kinds name their group:
        ``NetworkPolicy.projectcalico.org/ns/name``."""
        kind = f"{self.kind}.{self.group}" if self.is_calico else self.kind
        if not self.namespace:
            return f"{kind}/{self.name}"
        return f"{kind}/{self.namespace}/{self.name}"


@dataclass(frozen=True)
class ApplyPlan:
    """Steps in the order they are sent; ``unchanged`` steps are kept for the report."""

    steps: tuple[Step, ...]

    @property
    def changes(self) -> tuple[Step, ...]:
        return tuple(s for s in self.steps if s.action != "unchanged")

    def count(self, action: Action) -> int:
        return sum(1 for s in self.steps if s.action == action)


def _meta(obj: Mapping[str, Any]) -> Mapping[str, Any]:
    meta = obj.get("metadata")
    return meta if isinstance(meta, dict) else {}


def as_document(manifest: Mapping[str, Any], origin: str, index: int = 0) -> Document:
    """A manifest held in memory as a Document (no file positions)."""
    return Document(Source(origin, index, 0), dict(manifest), {})


def as_policy(manifest: Mapping[str, Any]) -> NetworkPolicy:
    return network_policy(as_document(manifest, "plan"))


def same_policy(desired: Mapping[str, Any], live: Mapping[str, Any]) -> bool:
    """Same semantics (after the apiserver's defaulting) and the desired labels present."""
    want, have = as_policy(desired), as_policy(live)
    labels_present = set(want.labels) <= set(have.labels)
    return labels_present and replace(want, labels=(), annotations=()) == replace(
        have, labels=(), annotations=()
    )


def admits_dns(policy: NetworkPolicy) -> bool:
    """Some egress rule admits port 53 (or every port)."""
    for rule in policy.egress:
        if not rule.ports:
            return True
        for port in rule.ports:
            if port.port is None or port.port == DNS_PORT or port.port == "dns":
                return True
            if isinstance(port.port, int) and port.port <= DNS_PORT <= (port.end_port or 0):
                return True
    return False


def isolates_only(policy: NetworkPolicy) -> bool:
    """A policy that admits nothing (a deny-all)."""
    return not policy.ingress and not policy.egress


def policy_rank(manifest: Mapping[str, Any]) -> int:
    """1: admits DNS, 2: admits other traffic, 3: only isolates."""
    policy = as_policy(manifest)
    if isolates_only(policy):
        return 3
    return 1 if admits_dns(policy) else 2


def namespace_body(desired: Mapping[str, Any]) -> dict[str, Any]:
    """The part of a Namespace netfence owns: its labels (not the one the apiserver sets)."""
    labels = dict(_meta(desired).get("labels") or {})
    labels.pop(NAMESPACE_NAME_LABEL, None)
    return {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": _meta(desired).get("name"), "labels": labels},
    }


def _namespace_step(desired: Mapping[str, Any], live: Mapping[str, Any] | None) -> Step:
    body = namespace_body(desired)
    name = str(body["metadata"]["name"])
    wanted: dict[str, str] = body["metadata"]["labels"]
    if live is None:
        detail = f"namespace missing: created, labelled {_labels_text(wanted)}"
        return Step("create", "Namespace", "", name, body, detail)
    have = dict(_meta(live).get("labels") or {})
    missing = {k: v for k, v in wanted.items() if have.get(k) != v}
    if missing:
        return Step("change", "Namespace", "", name, body, "label " + _labels_text(missing))
    return Step("unchanged", "Namespace", "", name, body)


def _labels_text(labels: Mapping[str, str]) -> str:
    return ",".join(f"{k}={v}" for k, v in sorted(labels.items())) or "no labels"


def _policy_step(desired: Mapping[str, Any], live: Mapping[str, Any] | None) -> Step:
    namespace = str(_meta(desired).get("namespace") or "default")
    name = str(_meta(desired).get("name"))
    body = copy.deepcopy(dict(desired))
    body.setdefault("metadata", {})["namespace"] = namespace
    if live is None:
        return Step("create", "NetworkPolicy", namespace, name, body)
    if same_policy(desired, live):
        return Step("unchanged", "NetworkPolicy", namespace, name, body)
    return Step("change", "NetworkPolicy", namespace, name, body, "spec or labels differ")


def _key(obj: Mapping[str, Any]) -> tuple[str, str]:
    meta = _meta(obj)
    return str(meta.get("namespace") or ""), str(meta.get("name") or "")


def is_managed(obj: Mapping[str, Any]) -> bool:
    return (_meta(obj).get("labels") or {}).get(MANAGED_BY_LABEL) == MANAGER


def plan_apply(desired: DesiredState, live: Sequence[Mapping[str, Any]], prune: bool) -> ApplyPlan:
    """The ordered steps that bring ``live`` (snapshot manifests) to ``desired``."""
    live_namespaces = {_key(o)[1]: o for o in live if o.get("kind") == "Namespace"}
    live_policies = {_key(o): o for o in live if is_live_network_policy(o)}
    namespace_steps = [
        _namespace_step(n, live_namespaces.get(str(_meta(n).get("name"))))
        for n in desired.namespaces
    ]
    ranked = sorted(desired.policies, key=lambda p: (policy_rank(p), _key(p)))
    policy_steps = [_policy_step(p, live_policies.get(_policy_key(p))) for p in ranked]
    policy_steps += tier_steps(desired.tier_policies, live)
    policy_steps += calico_steps(desired.calico, live)
    policy_steps += cilium_steps(desired.cilium, live)
    prune_steps: list[Step] = []
    if prune:
        wanted = {_policy_key(p) for p in desired.policies}
        stale = [o for key, o in live_policies.items() if key not in wanted and is_managed(o)]
        for obj in sorted(stale, key=lambda o: (-policy_rank(o), _key(o))):
            namespace, name = _key(obj)
            prune_steps.append(Step("prune", "NetworkPolicy", namespace, name, obj))
        prune_steps += tier_prunes(desired.tier_policies, live)
        prune_steps += calico_prunes(desired.calico, live)
        prune_steps += cilium_prunes(desired.cilium, live)
    return ApplyPlan(tuple(namespace_steps + policy_steps + prune_steps))


def _tier_key(obj: Mapping[str, Any]) -> tuple[str, str]:
    return str(obj.get("kind")), str(_meta(obj).get("name"))


def _tier_rank(manifest: Mapping[str, Any]) -> int:
    """Allow-only policies first, so that no deny lands before the allows beside it."""
    raw = manifest.get("spec")
    spec: Mapping[str, Any] = raw if isinstance(raw, dict) else {}
    rules = [r for d in ("ingress", "egress") for r in (spec.get(d) or []) if isinstance(r, dict)]
    return int(any(r.get("action") not in ("Allow", "Accept") for r in rules))


def tier_steps(
    desired: Sequence[Mapping[str, Any]], live: Sequence[Mapping[str, Any]]
) -> list[Step]:
    """Create or change steps for tier policies (cluster-scoped: no namespace)."""
    have = {_tier_key(o): o for o in live if o.get("kind") in TIER_KINDS}
    steps = []
    for manifest in sorted(desired, key=lambda m: (_tier_rank(m), _tier_key(m))):
        kind, name = _tier_key(manifest)
        body = copy.deepcopy(dict(manifest))
        body.get("metadata", {}).pop("namespace", None)
        current = have.get((kind, name))
        step_kind = cast(Any, kind)
        if current is None:
            steps.append(Step("create", step_kind, "", name, body))
        elif current.get("spec") == body.get("spec") and set(
            (_meta(body).get("labels") or {}).items()
        ) <= set((_meta(current).get("labels") or {}).items()):
            steps.append(Step("unchanged", step_kind, "", name, body))
        else:
            steps.append(Step("change", step_kind, "", name, body, "spec or labels differ"))
    return steps


def tier_prunes(
    desired: Sequence[Mapping[str, Any]], live: Sequence[Mapping[str, Any]]
) -> list[Step]:
    """Managed tier policies the desired state no longer has."""
    wanted = {_tier_key(m) for m in desired}
    stale = [
        o
        for o in live
        if o.get("kind") in TIER_KINDS and _tier_key(o) not in wanted and is_managed(o)
    ]
    return [
        Step("prune", cast(Any, kind), "", name, o)
        for o in sorted(stale, key=lambda o: (-_tier_rank(o), _tier_key(o)))
        for kind, name in (_tier_key(o),)
    ]


def _calico_step(action: Action, body: Mapping[str, Any], detail: str = "") -> Step:
    _, kind, namespace, name = calico_key(body)
    return Step(action, cast(Any, kind), namespace, name, body, detail)


def calico_steps(
    desired: Sequence[Mapping[str, Any]], live: Sequence[Mapping[str, Any]]
) -> list[Step]:
    """Create or change steps for Calico objects, matched by group, kind and name."""
    have = live_calico(live)
    steps = []
    for manifest in ordered(desired):
        body = calico_body(manifest)
        current = have.get(calico_key(body))
        if current is None:
            steps.append(_calico_step("create", body))
        elif same_calico(body, current):
            steps.append(_calico_step("unchanged", body))
        else:
            steps.append(_calico_step("change", body, "spec or labels differ"))
    return steps


def calico_prunes(
    desired: Sequence[Mapping[str, Any]], live: Sequence[Mapping[str, Any]]
) -> list[Step]:
    """Managed Calico objects the desired state no longer has (policies before sets and
    tiers)."""
    wanted = {calico_key(m) for m in desired}
    stale = [o for key, o in live_calico(live).items() if key not in wanted and is_managed(o)]
    return [_calico_step("prune", o) for o in reversed(ordered(stale))]


def _cilium_step(action: Action, body: Mapping[str, Any], detail: str = "") -> Step:
    _, kind, namespace, name = cilium_key(body)
    return Step(action, cast(Any, kind), namespace, name, body, detail)


def cilium_steps(
    desired: Sequence[Mapping[str, Any]], live: Sequence[Mapping[str, Any]]
) -> list[Step]:
    """Create or change steps for Cilium objects, matched by group, kind and name."""
    have = live_cilium(live)
    steps = []
    for manifest in cilium_ordered(desired):
        body = cilium_body(manifest)
        current = have.get(cilium_key(body))
        if current is None:
            steps.append(_cilium_step("create", body))
        elif same_cilium(body, current):
            steps.append(_cilium_step("unchanged", body))
        else:
            steps.append(_cilium_step("change", body, "spec or labels differ"))
    return steps


def cilium_prunes(
    desired: Sequence[Mapping[str, Any]], live: Sequence[Mapping[str, Any]]
) -> list[Step]:
    """Managed Cilium objects the desired state no longer has (policies that deny first,
    CIDR groups last)."""
    wanted = {cilium_key(m) for m in desired}
    stale = [o for key, o in live_cilium(live).items() if key not in wanted and is_managed(o)]
    return [_cilium_step("prune", o) for o in reversed(cilium_ordered(stale))]


def is_live_network_policy(obj: Mapping[str, Any]) -> bool:
    """A Kubernetes NetworkPolicy (not a Calico one of the same kind name)."""
    return is_network_policy(obj.get("apiVersion"), obj.get("kind"))


def step_key(step: Step) -> tuple[str, str, str, str]:
    """(group, kind, namespace, name) of what a step writes."""
    return step.group, step.kind, step.namespace, step.name


def object_key(obj: Mapping[str, Any]) -> tuple[str, str, str, str]:
    """The same key for a live object (NetworkPolicies default to namespace ``default``)."""
    if is_calico_object(obj):
        return calico_key(obj)
    if is_cilium_object(obj):
        return cilium_key(obj)
    namespace, name = _key(obj)
    if is_live_network_policy(obj):
        namespace = namespace or "default"
    return api_group(str(obj.get("apiVersion", ""))), str(obj.get("kind")), namespace, name


def _policy_key(policy: Mapping[str, Any]) -> tuple[str, str]:
    namespace, name = _key(policy)
    return namespace or "default", name


def projected(live: Iterable[Mapping[str, Any]], plan: ApplyPlan) -> list[dict[str, Any]]:
    """The live manifests as they will be once every step of ``plan`` is applied."""
    written = [s for s in plan.steps if s.kind != "Namespace"]
    replaced = {step_key(s) for s in written}
    labels = {s.name: s.body["metadata"]["labels"] for s in plan.steps if s.kind == "Namespace"}
    result: list[dict[str, Any]] = []
    for obj in live:
        item = copy.deepcopy(dict(obj))
        if item.get("kind") != "Namespace" and object_key(item) in replaced:
            continue
        if item.get("kind") == "Namespace" and _key(item)[1] in labels:
            meta = item.setdefault("metadata", {})
            meta["labels"] = {**(meta.get("labels") or {}), **labels.pop(_key(item)[1])}
        result.append(item)
    result += [
        namespace_body({"metadata": {"name": name, "labels": extra}})
        for name, extra in labels.items()
    ]
    result += [copy.deepcopy(dict(s.body)) for s in written if s.action != "prune"]
    return result


def model_of(manifests: Sequence[Mapping[str, Any]], origin: str) -> Cluster:
    """The model of in-memory manifests."""
    return build_cluster(as_document(m, origin, i) for i, m in enumerate(manifests))
