"""What the cluster should hold: namespace labels and policies, from a blueprint or a folder."""

from __future__ import annotations

import copy
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from netfence.blueprint import builtin, generate, load_blueprint
from netfence.blueprint.builtins import DEFAULT_TEMPLATE
from netfence.inputs import BUILTIN_PREFIX, InputOptions, is_blueprint_file, read_inputs
from netfence.load import Document, Limits
from netfence.load.calico_kinds import is_calico
from netfence.load.cilium_kinds import is_cilium
from netfence.load.kinds import is_kubernetes_policy, is_network_policy
from netfence.load.walk import folder_kind
from netfence.model.tiers_build import TIER_KINDS
from netfence.problems import InputError
from netfence.vocabulary import MANAGED_BY_LABEL, MANAGER, NAMESPACE_LABELS_FILE


@dataclass(frozen=True)
class DesiredState:
    """Namespace manifests (their labels) and NetworkPolicy manifests, as netfence applies them."""

    namespaces: tuple[dict[str, Any], ...]
    policies: tuple[dict[str, Any], ...]
    origin: str
    tier_policies: tuple[dict[str, Any], ...] = ()
    """AdminNetworkPolicy, BaselineAdminNetworkPolicy and ClusterNetworkPolicy manifests."""
    calico: tuple[dict[str, Any], ...] = ()
    """Calico objects (projectcalico.org/v3 or crd.projectcalico.org/v1 kinds)."""
    cilium: tuple[dict[str, Any], ...] = ()
    """Cilium objects (cilium.io: the two policy kinds and CiliumCIDRGroup)."""


def managed(policy: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of a policy manifest carrying the managed-by label that ``--prune`` relies on."""
    result = copy.deepcopy(dict(policy))
    labels = result.setdefault("metadata", {}).setdefault("labels", {})
    labels[MANAGED_BY_LABEL] = MANAGER
    return result


def from_blueprint(spec: str | None) -> DesiredState:
    """The blueprint's generated manifests: a file, ``builtin:NAME``, or the built-in ai-mesh
    when None."""
    if spec is None or spec.startswith(BUILTIN_PREFIX):
        name = (spec or BUILTIN_PREFIX + DEFAULT_TEMPLATE).removeprefix(BUILTIN_PREFIX)
        blueprint = builtin(name)
    else:
        blueprint = load_blueprint(spec)
    generated = generate(blueprint)
    return DesiredState(
        tuple(copy.deepcopy(dict(n)) for n in generated.namespaces),
        tuple(managed(p) for p in generated.policies),
        spec or f"built-in blueprint {DEFAULT_TEMPLATE}",
    )


def _is_network_policy(doc: Document) -> bool:
    return is_network_policy(doc.api_version, doc.kind)


def _is_tier_policy(doc: Document) -> bool:
    return is_kubernetes_policy(doc.api_version, doc.kind, TIER_KINDS)


def from_folder(folder: str) -> DesiredState:
    """Namespaces, NetworkPolicies, tier policies, Calico and Cilium objects from manifests:
    a folder (e.g. ``netfence plan``'s output) or a file. A kustomization folder is rendered,
    and the ``namespace-labels.yaml`` beside it (not one of its resources) read as well.

    Raises InputError when a manifest is invalid.
    """
    labels = os.path.join(folder, NAMESPACE_LABELS_FILE)
    extra = (
        [labels] if os.path.isdir(folder) and folder_kind(folder) and os.path.isfile(labels) else []
    )
    inputs = read_inputs([folder, *extra], InputOptions())
    if inputs.errors:
        raise InputError(inputs.errors)
    return DesiredState(
        tuple(copy.deepcopy(d.data) for d in inputs.documents if d.kind == "Namespace"),
        tuple(
            managed(d.data) for d in inputs.documents if is_network_policy(d.api_version, d.kind)
        ),
        folder,
        tuple(managed(d.data) for d in inputs.documents if _is_tier_policy(d)),
        tuple(managed(d.data) for d in inputs.documents if is_calico(d.api_version, d.kind)),
        tuple(managed(d.data) for d in inputs.documents if is_cilium(d.api_version, d.kind)),
    )


def desired_state(spec: str | None) -> DesiredState:
    """A blueprint (file, ``builtin:NAME``, or the built-in one when None), or manifests (a
    folder, or a file that is not a blueprint) read as the front door reads them."""
    if spec is not None and os.path.isdir(spec):
        return from_folder(spec)
    if spec is not None and os.path.isfile(spec) and not is_blueprint_file(spec, Limits()):
        return from_folder(spec)
    return from_blueprint(spec)
