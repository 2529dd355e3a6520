"""Cilium's endpoint selectors as selections of pods, namespaces and entities.

Cilium matches selectors against an endpoint's identity labels: the pod's labels (source
``k8s``), ``io.kubernetes.pod.namespace``, ``io.cilium.k8s.namespace.labels.<key>`` for each
namespace label, ``io.cilium.k8s.policy.serviceaccount`` and ``io.cilium.k8s.policy.cluster``.
A key may carry a source prefix (``k8s:``, ``any:``; ``reserved:`` names an entity). Each
requirement is on one key, so a selector splits exactly into a namespace selector, a pod
selector (pod labels plus the service account) and requirements on the cluster name, which
are decided here. In a CiliumNetworkPolicy, a peer selector without a namespace key (nor a
namespace-label key) is limited to the policy's namespace, and the subject always is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from netfence.model.cilium import (
    CLUSTER_KEY,
    NAMESPACE_KEY,
    NAMESPACE_LABELS_PREFIX,
    CiliumSelector,
)
from netfence.model.selectors import selector
from netfence.model.types import LabelSelector, Requirement
from netfence.vocabulary import NAMESPACE_NAME_LABEL

K8S_SOURCES = ("k8s", "any")


def split_key(key: str) -> tuple[str, str]:
    """``k8s:app`` -> (``k8s``, ``app``); a key without a source is of any source."""
    source, colon, name = key.partition(":")
    return (source, name) if colon else ("any", key)


@dataclass(frozen=True)
class Translated:
    """A selector split by what it constrains; ``reserved`` lists ``reserved:`` entities."""

    selection: CiliumSelector
    reserved: tuple[str, ...] = ()


def _holds(requirement: Requirement, value: str | None) -> bool:
    """Whether one requirement holds for a key whose value is ``value`` (None: absent)."""
    labels = {} if value is None else {requirement.key: value}
    return requirement.matches(labels)


def translate(raw: Any, policy_namespace: str, cluster_name: str, *, subject: bool) -> Translated:
    """The selection a Cilium endpoint selector makes (``policy_namespace`` "" for a
    clusterwide policy)."""
    parsed = selector(raw)
    requirements = [Requirement(k, "In", frozenset((v,))) for k, v in parsed.match_labels]
    requirements += list(parsed.match_expressions)
    namespaces: list[Requirement] = []
    pods: list[Requirement] = []
    reserved: list[str] = []
    never = False
    names_namespace = names_namespace_labels = False
    for requirement in requirements:
        source, key = split_key(requirement.key)
        if source == "reserved":
            if requirement.operator in ("In", "Exists"):
                reserved.append(key)
            continue
        if source not in K8S_SOURCES:
            never = never or not _holds(requirement, None)
            continue
        plain = Requirement(key, requirement.operator, requirement.values)
        if key == NAMESPACE_KEY:
            names_namespace = True
            if subject and policy_namespace and requirement.operator == "In":
                continue  # Cilium replaces a subject's namespace match by the policy's
            namespaces.append(Requirement(NAMESPACE_NAME_LABEL, plain.operator, plain.values))
        elif key.startswith(NAMESPACE_LABELS_PREFIX):
            names_namespace_labels = True
            label = key.removeprefix(NAMESPACE_LABELS_PREFIX)
            namespaces.append(Requirement(label, plain.operator, plain.values))
        elif key == CLUSTER_KEY:
            never = never or not _holds(plain, cluster_name)
        else:
            pods.append(plain)
    limited = subject or not (names_namespace or names_namespace_labels)
    if policy_namespace and limited:
        namespaces.append(Requirement(NAMESPACE_NAME_LABEL, "In", frozenset((policy_namespace,))))
    return Translated(
        CiliumSelector(
            LabelSelector((), tuple(namespaces)),
            LabelSelector((), tuple(pods)),
            never or bool(reserved),
            _describe(parsed, policy_namespace, limited),
        ),
        tuple(reserved),
    )


def _describe(parsed: LabelSelector, policy_namespace: str, limited: bool) -> str:
    where = f" in namespace {policy_namespace}" if policy_namespace and limited else ""
    return (
        f"{{{parsed}}}{where}" if not parsed.is_empty else f"every pod{where or ' (any namespace)'}"
    )
