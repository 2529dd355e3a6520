"""Clusters for the lab's guide: a blueprint's, and the guide's literal manifests netfence ships."""

from __future__ import annotations

from pathlib import Path

from netfence.blueprint import Blueprint
from netfence.inputs import blueprint_inputs
from netfence.model import Cluster

GUIDE_LITERAL = Path(__file__).parent / "data" / "guide-literal"


def cluster_of(blueprint: Blueprint, file: str | None = None) -> Cluster:
    """The blueprint's synthesized workloads with its generated namespaces and policies."""
    return blueprint_inputs(blueprint, file or "<builtin blueprint>").require_valid().cluster
