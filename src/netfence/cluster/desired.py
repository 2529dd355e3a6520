"""What the cluster should hold: namespace labels and policies, from a blueprint or a folder."""

from __future__ import annotations

import copy
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from netfence.blueprint import builtin, generate, load_blueprint
from netfence.inputs import InputOptions, read_inputs
from netfence.problems import InputError
from netfence.vocabulary import MANAGED_BY_LABEL, MANAGER


@dataclass(frozen=True)
class DesiredState:
    """Namespace manifests (their labels) and NetworkPolicy manifests, as netfence applies them."""

    namespaces: tuple[dict[str, Any], ...]
    policies: tuple[dict[str, Any], ...]
    origin: str


def managed(policy: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of a policy manifest carrying the managed-by label that ``--prune`` relies on."""
    result = copy.deepcopy(dict(policy))
    labels = result.setdefault("metadata", {}).setdefault("labels", {})
    labels[MANAGED_BY_LABEL] = MANAGER
    return result


def from_blueprint(path: str | None) -> DesiredState:
    """The blueprint's generated manifests (the built-in ai-mesh blueprint when no path)."""
    blueprint = builtin() if path is None else load_blueprint(path)
    generated = generate(blueprint)
    return DesiredState(
        tuple(copy.deepcopy(dict(n)) for n in generated.namespaces),
        tuple(managed(p) for p in generated.policies),
        path or "built-in blueprint ai-mesh",
    )


def from_folder(folder: str) -> DesiredState:
    """Namespaces and NetworkPolicies from a folder of manifests (e.g. ``netfence plan`` output).

    Raises InputError when a manifest is invalid.
    """
    inputs = read_inputs([folder], InputOptions())
    if inputs.errors:
        raise InputError(inputs.errors)
    return DesiredState(
        tuple(copy.deepcopy(d.data) for d in inputs.documents if d.kind == "Namespace"),
        tuple(managed(d.data) for d in inputs.documents if d.kind == "NetworkPolicy"),
        folder,
    )


def desired_state(path: str | None) -> DesiredState:
    """A folder is read as manifests, a file as a blueprint, nothing as the built-in one."""
    if path is not None and os.path.isdir(path):
        return from_folder(path)
    return from_blueprint(path)
