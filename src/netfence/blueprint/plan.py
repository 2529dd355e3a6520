"""A plan: generate, validate the result like the API server, apply it (in memory) to the
synthesised or given cluster, and prove the outcome against the blueprint."""

from __future__ import annotations

import os
from dataclasses import dataclass

from netfence.blueprint.dialects import Dialect, for_dialect, unused_names
from netfence.blueprint.documents import manifest_documents
from netfence.blueprint.generate import Generated, generate
from netfence.blueprint.guardrails import TierDialect
from netfence.blueprint.intents import Pods, workload_end
from netfence.blueprint.prove import Proof, prove
from netfence.blueprint.render import KUSTOMIZATION
from netfence.blueprint.schema import Blueprint
from netfence.blueprint.synthesize import synthesize
from netfence.load import Document, Limits, load_text
from netfence.model import Cluster, Namespace, build_cluster
from netfence.model.types import freeze_labels
from netfence.problems import Problem
from netfence.validate import validate_document

DEFAULT_OUTPUT = "netfence-out"
SYNTHESIZED = "<synthesized>"


@dataclass(frozen=True)
class Plan:
    """Everything ``netfence plan`` reports; ``proof`` is None when validation failed."""

    blueprint: Blueprint
    generated: Generated
    problems: tuple[Problem, ...]
    notes: tuple[str, ...]
    cluster: Cluster
    proof: Proof | None
    synthesized: bool

    @property
    def holds(self) -> bool:
        return not self.problems and self.proof is not None and self.proof.holds


def generated_documents(generated: Generated, folder: str) -> tuple[list[Document], list[Problem]]:
    """The generated files read back and validated, positioned in the files to be written."""
    docs: list[Document] = []
    problems: list[Problem] = []
    for name, text in generated.files().items():
        if name == KUSTOMIZATION:
            continue
        loaded = load_text(text, os.path.join(folder, name), "default", Limits())
        problems += loaded.problems
        for doc in loaded.documents:
            problems += [p for p in validate_document(doc, "strict") if p.severity == "error"]
            docs.append(doc)
    return docs, problems


def synthesized_cluster(bp: Blueprint) -> Cluster:
    """The blueprint's stand-in pods and outside namespaces, as a model."""
    return build_cluster(manifest_documents(synthesize(bp), SYNTHESIZED))


def apply_generated(world: Cluster, generated: Cluster) -> tuple[Cluster, list[str]]:
    """``world`` after applying ``generated``: labels merged, same-name policies replaced."""
    labels = {ns.name: ns.label_map for ns in world.namespaces}
    for ns in generated.namespaces:
        labels[ns.name] = {**labels.get(ns.name, {}), **ns.label_map}
    ours = {(p.namespace, p.name) for p in generated.policies}
    kept = [p for p in world.policies if (p.namespace, p.name) not in ours]
    notes = [
        f"existing NetworkPolicy {p.namespace}/{p.name} is replaced by the generated one"
        for p in world.policies
        if (p.namespace, p.name) in ours
    ]
    namespaces = tuple(Namespace(name, freeze_labels(labels[name])) for name in sorted(labels))
    ours_tiers = {p.id for p in generated.tier_policies}
    ours_cilium = {p.id for p in generated.cilium_policies}
    cluster = Cluster(
        namespaces=namespaces,
        endpoints=world.endpoints,
        policies=(*kept, *generated.policies),
        services=world.services,
        tier_policies=(
            *(p for p in world.tier_policies if p.id not in ours_tiers),
            *generated.tier_policies,
        ),
        nodes=world.nodes,
        not_evaluated=world.not_evaluated,
        cilium_policies=(
            *(p for p in world.cilium_policies if p.id not in ours_cilium),
            *generated.cilium_policies,
        ),
        calico=world.calico.overlaid(generated.calico),
        notes=tuple(dict.fromkeys((*world.notes, *generated.notes))),
    )
    return cluster, notes


def unmatched(bp: Blueprint, cluster: Cluster) -> list[str]:
    """The workloads that no endpoint of ``cluster`` stands for (their flows go unchecked)."""
    ends = {name: workload_end(bp, name) for name in bp.workloads}
    return [
        name
        for name, end in ends.items()
        if not (isinstance(end, Pods) and any(end.matches(e) for e in cluster.endpoints))
    ]


def make_plan(
    bp: Blueprint,
    existing: Cluster | None = None,
    folder: str = DEFAULT_OUTPUT,
    tiers: TierDialect = "none",
    dialect: Dialect = "kubernetes",
) -> Plan:
    """Generate and prove ``bp`` on ``existing`` (stand-in pods when None); ``tiers``: the
    dialect of the blueprint's guardrails (none: not generated); ``dialect``: the policy
    dialect of the flows (cilium: named externals by name)."""
    notes = unused_names(bp, dialect)
    bp = for_dialect(bp, dialect)
    generated = generate(bp, tiers)
    docs, problems = generated_documents(generated, folder)
    world = existing if existing is not None else synthesized_cluster(bp)
    cluster, replaced = apply_generated(world, build_cluster(docs))
    notes += replaced
    if existing is not None:
        notes += [
            f"workload {name} matches no pod in the given manifests: not checked"
            for name in unmatched(bp, existing)
        ]
    if bp.guardrails is not None and tiers == "none":
        notes.append(
            "the blueprint's guardrails are not written: pass --tiers v1alpha1 or v1alpha2, "
            "or --dialect calico"
        )
    proof = None if problems else prove(cluster, bp)
    return Plan(bp, generated, tuple(problems), tuple(notes), cluster, proof, existing is None)
