"""A blueprint as documents, in memory: its generated namespaces and policies on the stand-in
workloads it synthesises, ready to validate and model (no YAML written and read back)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from netfence.blueprint.dialects import Dialect
from netfence.blueprint.generate import generate
from netfence.blueprint.schema import Blueprint
from netfence.blueprint.synthesize import synthesize
from netfence.load import Document
from netfence.problems import Source


def manifest_documents(
    manifests: Sequence[Mapping[str, Any]], file: str, line: int = 0
) -> list[Document]:
    """Manifests built in memory as documents, numbered in order under a virtual file name
    (``line`` 0: no line to point at)."""
    return [
        Document(Source(file, index, line), dict(manifest), {})
        for index, manifest in enumerate(manifests)
    ]


def blueprint_manifests(
    blueprint: Blueprint, dialect: Dialect = "kubernetes"
) -> list[dict[str, Any]]:
    """The generated namespaces and policies (in ``dialect``), then the stand-in workloads
    and the outside namespaces the blueprint does not declare itself."""
    generated = generate(blueprint, dialect=dialect)
    declared = {m["metadata"]["name"] for m in generated.namespaces}
    return [
        *generated.manifests(),
        *(
            m
            for m in synthesize(blueprint)
            if not (m.get("kind") == "Namespace" and m["metadata"]["name"] in declared)
        ),
    ]


def blueprint_documents(
    blueprint: Blueprint, file: str, dialect: Dialect = "kubernetes"
) -> list[Document]:
    """The blueprint's manifests (policies in ``dialect``) as documents under ``file``."""
    return manifest_documents(blueprint_manifests(blueprint, dialect), file)
