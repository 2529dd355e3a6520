"""One side of a diff (or the input of a report): manifests, a blueprint, or a live cluster.

A side spec is a manifest file or folder, ``builtin:NAME`` for a built-in blueprint, or a
blueprint file (``kind: Blueprint``). A blueprint side is its generated namespaces and
policies evaluated on the workloads it synthesises.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from netfence.blueprint import (
    TEMPLATES,
    Blueprint,
    builtin,
    generate,
    load_blueprint,
    roles,
    synthesize,
)
from netfence.blueprint.synthesize import helper_ids
from netfence.inputs import InputOptions, read_inputs
from netfence.load import Document, Limits
from netfence.load.yamlread import read_stream
from netfence.model import Cluster, build_cluster
from netfence.problems import InputError, Problem, Source
from netfence.validate import ValidationMode, validate_document

BUILTIN_PREFIX = "builtin:"


class EndpointChoice(StrEnum):
    """Which workloads both sides are evaluated on."""

    own = "own"
    old = "old"
    new = "new"


@dataclass(frozen=True)
class Side:
    """A named policy set with the workloads it is evaluated on.

    ``stand_ins``: the workloads are a blueprint's synthesised stand-ins, not real ones;
    ``helpers``: ids of netfence's own stand-ins that are no workload of the blueprint (its
    DNS server and the stranger test-pod), which reports do not count as unprotected.
    """

    label: str
    cluster: Cluster
    documents: tuple[Document, ...] = ()
    warnings: tuple[Problem, ...] = ()
    notes: tuple[str, ...] = ()
    roles: Mapping[str, str] | None = field(default=None, compare=False)
    stand_ins: bool = False
    notices: tuple[str, ...] = ()
    helpers: frozenset[str] = frozenset()

    @property
    def has_real_workloads(self) -> bool:
        return bool(self.cluster.endpoints) and not self.stand_ins


def is_blueprint_file(path: str, limits: Limits) -> bool:
    """Whether ``path`` is a readable file whose first document is ``kind: Blueprint``."""
    if not os.path.isfile(path) or os.path.getsize(path) > limits.max_bytes:
        return False
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError):
        return False
    documents, _ = read_stream(text, path, limits)
    return bool(documents) and documents[0].kind == "Blueprint"


def manifest_documents(manifests: Sequence[Mapping[str, Any]], label: str) -> list[Document]:
    """Generated manifests as documents, numbered in order under a virtual file name."""
    return [
        Document(Source(label, index, 0), dict(manifest), {})
        for index, manifest in enumerate(manifests)
    ]


def documents_side(
    documents: Sequence[Document],
    label: str,
    mode: ValidationMode = "strict",
    roles: Mapping[str, str] | None = None,
) -> Side:
    """A side from documents read elsewhere (generated, or a live cluster's snapshot)."""
    problems = [p for doc in documents for p in validate_document(doc, mode)]
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise InputError(errors)
    return Side(
        label,
        build_cluster(documents),
        tuple(documents),
        tuple(p for p in problems if p.severity == "warning"),
        roles=roles,
    )


def blueprint_side(blueprint: Blueprint, label: str) -> Side:
    """A blueprint's generated namespaces and policies on the workloads it synthesises."""
    generated = generate(blueprint)
    manifests = list(generated.manifests())
    declared = {m["metadata"]["name"] for m in generated.namespaces}
    manifests += [
        m
        for m in synthesize(blueprint)
        if not (m.get("kind") == "Namespace" and m["metadata"]["name"] in declared)
    ]
    side = documents_side(manifest_documents(manifests, label), label, roles=roles(blueprint))
    return replace(side, stand_ins=True, helpers=helper_ids(blueprint))


def read_side(specs: Sequence[str], options: InputOptions) -> Side:
    """Read one side from its specs; raises InputError listing every error."""
    label = " ".join(specs)
    if len(specs) == 1 and specs[0].startswith(BUILTIN_PREFIX):
        name = specs[0].removeprefix(BUILTIN_PREFIX)
        if name not in TEMPLATES:
            choices = ", ".join(BUILTIN_PREFIX + t for t in TEMPLATES)
            raise InputError([Problem(Source(label, 0, 0), f"no such blueprint (use {choices})")])
        return blueprint_side(builtin(name), label)
    if len(specs) == 1 and is_blueprint_file(specs[0], options.limits):
        return blueprint_side(load_blueprint(specs[0]), label)
    inputs = read_inputs(specs, options)
    if inputs.errors:
        raise InputError(inputs.errors)
    return Side(
        label,
        inputs.cluster,
        tuple(inputs.documents),
        tuple(inputs.warnings),
        tuple(inputs.notes),
        notices=tuple(inputs.notices),
    )


def on_endpoints_of(side: Side, donor: Side) -> Side:
    """``side``'s policies and namespaces evaluated on ``donor``'s workloads.

    Namespaces ``side`` declares keep their labels; the donor's fill in the rest.
    """
    namespaces = {n.name: n for n in donor.cluster.namespaces}
    namespaces.update({n.name: n for n in side.cluster.namespaces if n.declared})
    for namespace in side.cluster.namespaces:
        namespaces.setdefault(namespace.name, namespace)
    cluster = replace(
        side.cluster,
        namespaces=tuple(sorted(namespaces.values(), key=lambda n: n.name)),
        endpoints=donor.cluster.endpoints,
        services=donor.cluster.services,
    )
    return replace(side, cluster=cluster)


def pair_sides(
    old: Side, new: Side, endpoints: EndpointChoice = EndpointChoice.own
) -> tuple[Side, Side]:
    """Choose the workloads each side is evaluated on.

    ``own``: each side its own, except that a side without real workloads (policies only, or
    a blueprint's stand-ins) borrows the other side's real ones; ``old``/``new``: both sides
    on that side's workloads.
    """
    own = endpoints is EndpointChoice.own
    if endpoints is EndpointChoice.old or (
        own and old.has_real_workloads and not new.has_real_workloads
    ):
        return old, on_endpoints_of(new, old)
    if endpoints is EndpointChoice.new or (
        own and new.has_real_workloads and not old.has_real_workloads
    ):
        return on_endpoints_of(old, new), new
    return old, new
