"""Clusters for the lab: from a blueprint, or the guide's literal manifests netfence ships."""

from __future__ import annotations

from pathlib import Path

import yaml

from netfence.blueprint import Blueprint, builtin, generate, load_blueprint, synthesize
from netfence.load import Limits, load_text
from netfence.model import Cluster, build_cluster
from netfence.problems import InputError
from netfence.validate import validate_document

GUIDE_LITERAL = Path(__file__).parent / "data" / "guide-literal"


def blueprint_cluster(path: str | None) -> Cluster:
    """The cluster a blueprint file stands for (the built-in ai-mesh when ``path`` is None)."""
    return cluster_of(builtin() if path is None else load_blueprint(path), path)


def cluster_of(blueprint: Blueprint, file: str | None = None) -> Cluster:
    """The blueprint's synthesized workloads with its generated namespaces and policies."""
    manifests = [*synthesize(blueprint), *generate(blueprint).manifests()]
    text = yaml.safe_dump_all(manifests, sort_keys=False)
    loaded = load_text(text, file or "<builtin blueprint>", "default", Limits())
    problems = list(loaded.problems)
    for doc in loaded.documents:
        problems += validate_document(doc, "strict")
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise InputError(errors)
    return build_cluster(loaded.documents)
