"""Clusters for the lab: from a blueprint, or the guide's literal manifests netfence ships."""

from __future__ import annotations

from pathlib import Path

from netfence.blueprint import Blueprint, builtin, load_blueprint
from netfence.inputs import blueprint_inputs
from netfence.model import Cluster

GUIDE_LITERAL = Path(__file__).parent / "data" / "guide-literal"


def blueprint_cluster(path: str | None) -> Cluster:
    """The cluster a blueprint file stands for (the built-in ai-mesh when ``path`` is None);
    raises InputError."""
    return cluster_of(builtin() if path is None else load_blueprint(path), path)


def cluster_of(blueprint: Blueprint, file: str | None = None) -> Cluster:
    """The blueprint's synthesized workloads with its generated namespaces and policies."""
    return blueprint_inputs(blueprint, file or "<builtin blueprint>").require_valid().cluster
