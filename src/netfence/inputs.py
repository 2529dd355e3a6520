"""The shared front of every command: read manifests, validate them, build the model."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import BinaryIO

from netfence.load import Document, Limits, load_paths
from netfence.model import Cluster, build_cluster
from netfence.problems import Problem
from netfence.validate import ValidationMode, validate_document


@dataclass(frozen=True)
class InputOptions:
    """How manifests are read: default namespace, limits, validation, which files."""

    namespace: str = "default"
    limits: Limits = field(default_factory=Limits)
    validate: ValidationMode = "strict"
    exclude: tuple[str, ...] = ()
    strict_files: bool = False


@dataclass
class Inputs:
    """Valid documents and their model, plus every problem and skip note (``notes`` for
    --verbose, ``notices`` always shown)."""

    documents: list[Document]
    problems: list[Problem]
    notes: list[str]
    cluster: Cluster
    notices: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


def read_inputs(
    paths: Sequence[str], options: InputOptions | None = None, stdin: BinaryIO | None = None
) -> Inputs:
    """Load and validate ``paths``; documents with errors are left out of the model."""
    options = options or InputOptions()
    loaded = load_paths(
        paths,
        namespace=options.namespace,
        limits=options.limits,
        stdin=stdin,
        exclude=options.exclude,
        strict_files=options.strict_files,
    )
    inputs = inputs_from_documents(loaded.documents, options, loaded.not_evaluated)
    inputs.problems[:0] = loaded.problems
    inputs.notes[:0] = loaded.notes
    inputs.notices[:0] = loaded.notices
    return inputs


def inputs_from_documents(
    documents: Sequence[Document],
    options: InputOptions | None = None,
    not_evaluated: Sequence[Document] = (),
) -> Inputs:
    """Validate documents that were read elsewhere (e.g. from a live cluster)."""
    options = options or InputOptions()
    problems: list[Problem] = []
    valid: list[Document] = []
    for doc in documents:
        found = validate_document(doc, options.validate)
        problems.extend(found)
        if not any(p.severity == "error" for p in found):
            valid.append(doc)
    return Inputs(valid, problems, [], build_cluster(valid, not_evaluated))
