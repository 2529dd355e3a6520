"""The front door of every command and of the library: input specs to a validated model.

An input spec is a manifest file or folder (searched recursively), ``-`` for stdin,
``builtin:NAME`` for a built-in blueprint, or a blueprint file (``kind: Blueprint``); a live
cluster comes in as a callable that reads its objects. Errors are values: every problem is in
``Inputs.problems`` and documents with errors are left out of the model. ``InputError`` (from
``netfence.problems``) is the one exception, raised only by ``Inputs.require_valid``.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, BinaryIO

from netfence.load import Document, Limits, load_paths
from netfence.load.parsed import ParsedTexts
from netfence.load.yamlread import read_stream
from netfence.model import Cluster, build_cluster
from netfence.problems import InputError, Problem, Source
from netfence.validate import ValidationMode, validate_document

if TYPE_CHECKING:  # the blueprint modules load when a blueprint is read (start-up time)
    from netfence.blueprint import Blueprint
    from netfence.blueprint.dialects import Dialect

BUILTIN_PREFIX = "builtin:"
LiveCluster = Callable[[], Sequence[Document]]
"""Reads a live cluster's objects as documents (``netfence.cluster.snapshot.read_cluster``)."""


@dataclass(frozen=True)
class InputOptions:
    """How manifests are read: default namespace, limits, validation, which files;
    ``namespaces``, when given, are the only ones kept (as ``kubectl -n`` and ``snapshot -n``);
    ``dialect``: the policies a blueprint's input is generated in."""

    namespace: str = "default"
    namespaces: tuple[str, ...] = ()
    limits: Limits = field(default_factory=Limits)
    validate: ValidationMode = "strict"
    exclude: tuple[str, ...] = ()
    strict_files: bool = False
    dialect: Dialect = "kubernetes"


@dataclass
class Inputs:
    """Valid documents and their model, plus every problem and skip note (``notes`` for
    --verbose, ``notices`` always shown).

    ``label`` names the input; a blueprint's input also has its ``roles`` and ``stand_ins``
    (its workloads are synthesised stand-ins, not real ones).
    """

    documents: list[Document]
    problems: list[Problem]
    notes: list[str]
    cluster: Cluster
    label: str = ""
    roles: Mapping[str, str] | None = None
    stand_ins: bool = False
    notices: list[str] = field(default_factory=list)
    helpers: frozenset[str] = frozenset()
    """Ids of netfence's own stand-ins that are no workload of the blueprint (its DNS server
    and the stranger test-pod)."""

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def require_valid(self) -> Inputs:
        """These inputs, or InputError listing every error."""
        if self.errors:
            raise InputError(self.errors)
        return self


def resolve(
    specs: Sequence[str],
    options: InputOptions | None = None,
    *,
    live: LiveCluster | None = None,
    stdin: BinaryIO | None = None,
    parsed: ParsedTexts | None = None,
) -> Inputs:
    """The validated model of ``specs`` (or of the live cluster ``live`` reads, with no specs).

    One ``builtin:NAME`` or blueprint file is the blueprint's generated policies on its
    stand-in workloads; anything else is read as manifests (``parsed``: texts this command
    parsed already, as the files both sides of a diff share).
    """
    with _collector_paused():
        return _resolve(specs, options, live, stdin, parsed)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Reading builds millions of small objects without cycles, which the cycle collector
    would otherwise walk again and again, and once more at exit (a fifth of the load time at
    20,000 pods). What was read is then moved out of its sight (``gc.freeze``): reference
    counting still frees it; only a cycle made while reading would stay."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def _resolve(
    specs: Sequence[str],
    options: InputOptions | None,
    live: LiveCluster | None,
    stdin: BinaryIO | None,
    parsed: ParsedTexts | None,
) -> Inputs:
    options = options or InputOptions()
    label = " ".join(specs)
    if live is not None:
        documents = list(live())
        name = documents[0].source.file if documents else "cluster"
        return inputs_from_documents(documents, options, name)
    if len(specs) == 1 and specs[0].startswith(BUILTIN_PREFIX):
        from netfence.blueprint import TEMPLATES, builtin  # only for blueprints: start-up time

        name = specs[0].removeprefix(BUILTIN_PREFIX)
        if name not in TEMPLATES:
            choices = ", ".join(BUILTIN_PREFIX + t for t in TEMPLATES)
            problem = Problem(Source(label, 0, 0), f"no such blueprint (use {choices})")
            return Inputs([], [problem], [], Cluster(), label)
        return blueprint_inputs(builtin(name, options.dialect), label, options)
    if len(specs) == 1 and is_blueprint_file(specs[0], options.limits):
        from netfence.blueprint import load_blueprint

        try:
            blueprint = load_blueprint(specs[0], options.limits, dialect=options.dialect)
        except InputError as exc:
            return Inputs([], list(exc.problems), [], Cluster(), label)
        return blueprint_inputs(blueprint, label, options)
    return read_inputs(specs, options, stdin, label, parsed)


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


def blueprint_inputs(
    blueprint: Blueprint, label: str, options: InputOptions | None = None
) -> Inputs:
    """A blueprint's generated namespaces and policies on the workloads it synthesises."""
    from netfence.blueprint import roles
    from netfence.blueprint.documents import blueprint_documents
    from netfence.blueprint.synthesize import helper_ids

    dialect = options.dialect if options else "kubernetes"
    documents = blueprint_documents(blueprint, label, dialect)
    inputs = inputs_from_documents(documents, options, label)
    inputs.roles = roles(blueprint)
    inputs.stand_ins = True
    inputs.helpers = helper_ids(blueprint)
    return inputs


def read_inputs(
    paths: Sequence[str],
    options: InputOptions | None = None,
    stdin: BinaryIO | None = None,
    label: str | None = None,
    parsed: ParsedTexts | None = None,
) -> Inputs:
    """Load and validate manifest ``paths``; documents with errors are left out of the model."""
    options = options or InputOptions()
    loaded = load_paths(
        paths,
        namespace=options.namespace,
        limits=options.limits,
        stdin=stdin,
        exclude=options.exclude,
        strict_files=options.strict_files,
        parsed=parsed,
    )
    inputs = inputs_from_documents(
        loaded.documents, options, label or " ".join(paths), loaded.not_evaluated
    )
    inputs.problems[:0] = loaded.problems
    inputs.notes[:0] = loaded.notes
    inputs.notices[:0] = loaded.notices
    return inputs


def in_namespaces(documents: Sequence[Document], namespaces: Sequence[str]) -> list[Document]:
    """The documents of ``namespaces`` (all when none): Namespaces of those names, objects in
    them, and cluster-scoped objects."""
    if not namespaces:
        return list(documents)
    wanted = set(namespaces)
    return [
        d
        for d in documents
        if (d.name in wanted if d.kind == "Namespace" else not d.namespace or d.namespace in wanted)
    ]


def inputs_from_documents(
    documents: Sequence[Document],
    options: InputOptions | None = None,
    label: str = "",
    not_evaluated: Sequence[Document] = (),
) -> Inputs:
    """Validate documents that were read or built elsewhere (a live cluster, a blueprint);
    ``not_evaluated`` are objects of policy kinds netfence does not evaluate."""
    options = options or InputOptions()
    problems: list[Problem] = []
    valid: list[Document] = []
    for doc in in_namespaces(documents, options.namespaces):
        found = validate_document(doc, options.validate)
        problems.extend(found)
        if not any(p.severity == "error" for p in found):
            valid.append(doc)
    return Inputs(valid, problems, [], build_cluster(valid, not_evaluated), label)
