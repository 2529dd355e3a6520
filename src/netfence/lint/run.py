"""Running the rule families: ``lint_cluster`` for a model, ``lint_inputs`` for read input."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from netfence.engine.possible import with_possible_endpoints
from netfence.inputs import Inputs
from netfence.lint.api import check_deprecated_api, check_named_ports
from netfence.lint.blueprint_input import with_stand_ins
from netfence.lint.calico import check_calico
from netfence.lint.catalogue import RULES
from netfence.lint.cilium import check_cilium
from netfence.lint.context import LintContext
from netfence.lint.dialects import check_not_evaluated
from netfence.lint.dns import check_dns
from netfence.lint.exposure import check_exposure
from netfence.lint.finding import Finding
from netfence.lint.flows import check_flows
from netfence.lint.grouping import group_endpoint_findings
from netfence.lint.guardrails import check_guardrails
from netfence.lint.isolation import check_default_deny, check_unprotected
from netfence.lint.options import LintOptions
from netfence.lint.overlap import check_overlap
from netfence.lint.redundancy import check_redundancy, check_return_traffic
from netfence.lint.roles import merge_roles, roles_from_labels, roles_from_workloads
from netfence.lint.selectors import check_policy_selection, check_selectors
from netfence.lint.service_ports import check_service_ports
from netfence.lint.setup import with_assumed_dns
from netfence.lint.tiers import check_tiers
from netfence.load import Document
from netfence.model import Cluster, build_cluster

Check = Callable[[LintContext], Iterable[Finding]]
Progress = Callable[[str, int, int], None]
"""Told before each rule family runs: its first rule id, families done, families to run."""

# Each family and the rule ids it can report; a family runs when one of its rules is enabled.
FAMILIES: tuple[tuple[frozenset[str], Check], ...] = (
    (frozenset({"dns-egress-blocked", "dns-tcp-blocked"}), check_dns),
    (frozenset({"one-sided-flow"}), check_flows),
    (frozenset({"no-default-deny"}), check_default_deny),
    (frozenset({"unprotected-endpoint"}), check_unprotected),
    (
        frozenset(
            {
                "egress-to-internet",
                "metadata-endpoint-reachable",
                "ingress-from-everywhere",
                "exfiltration-path",
            }
        ),
        check_exposure,
    ),
    (frozenset({"selector-matches-nothing"}), check_selectors),
    (frozenset({"policy-selects-nothing"}), check_policy_selection),
    (frozenset({"ipblock-overlaps-cluster"}), check_overlap),
    (frozenset({"redundant-rule"}), check_redundancy),
    (frozenset({"return-traffic-rule"}), check_return_traffic),
    (frozenset({"named-port-unresolved"}), check_named_ports),
    (frozenset({"service-port-in-policy"}), check_service_ports),
    (
        frozenset(
            {
                "tier-rule-shadowed",
                "tier-same-priority-conflict",
                "tier-pass-to-nothing",
                "baseline-allow-opens-namespaces",
            }
        ),
        check_tiers,
    ),
    (
        frozenset(
            {
                "calico-rule-shadowed",
                "calico-pass-to-nothing",
                "calico-tier-denies-unplanned",
                "calico-order-overlap",
            }
        ),
        check_calico,
    ),
    (
        frozenset(
            {
                "cilium-fqdn-without-dns-visibility",
                "cilium-dns-to-world",
                "cilium-fqdn-pattern-too-wide",
                "cilium-agent-any-fqdn",
                "cilium-world-egress",
                "cilium-l7-rule-moot",
                "cilium-mixed-with-networkpolicy",
            }
        ),
        check_cilium,
    ),
    (frozenset({"guardrail-not-enforced"}), check_guardrails),
)


@dataclass(frozen=True)
class LintReport:
    """Findings (sorted by namespace, severity, rule, position) and notes about the run."""

    findings: tuple[Finding, ...]
    notes: tuple[str, ...]
    roles: Mapping[str, str]


def run_lint(
    cluster: Cluster,
    *,
    roles: Mapping[str, str] | None = None,
    options: LintOptions | None = None,
    documents: Iterable[Document] = (),
    progress: Progress | None = None,
) -> LintReport:
    """Every enabled rule on ``cluster``; ``documents`` sharpen positions to the field;
    ``progress`` hears of each rule family as it starts."""
    options = options or LintOptions()
    guessed = roles_from_workloads(cluster)
    known_roles = merge_roles(roles_from_labels(cluster), guessed, roles or {})
    ctx = LintContext(
        cluster=with_assumed_dns(cluster, options.dns_labels),
        roles=known_roles,
        options=options,
        documents={doc.source: doc for doc in documents},
    )
    ctx.notes.extend(_context_notes(ctx, cluster))
    if guessed:
        named = ", ".join(f"{ident} {role}" for ident, role in sorted(guessed.items()))
        ctx.notes.append(f"roles from well-known workload names: {named}")
    findings: set[Finding] = set()
    families = [(ids, check) for ids, check in FAMILIES if ids & options.rules]
    for done, (rule_ids, check) in enumerate(families):
        if progress is not None:
            progress(min(rule_ids & options.rules), done, len(families))
        findings.update(f for f in check(ctx) if f.rule in options.rules)
    if "policy-kind-not-evaluated" in options.rules:
        findings.update(check_not_evaluated(cluster.not_evaluated))
    alike = group_endpoint_findings(sorted(findings, key=Finding.sort_key), ctx.cluster.endpoints)
    ordered = tuple(sorted(alike, key=Finding.sort_key))
    return LintReport(ordered, tuple(ctx.notes), known_roles)


def lint_cluster(
    cluster: Cluster,
    *,
    roles: Mapping[str, str] | None = None,
    options: LintOptions | None = None,
) -> list[Finding]:
    """The findings of every enabled rule on ``cluster`` (namespace roles in ``roles``)."""
    return list(run_lint(cluster, roles=roles, options=options).findings)


def lint_inputs(
    inputs: Inputs,
    *,
    roles: Mapping[str, str] | None = None,
    options: LintOptions | None = None,
    stand_ins: Sequence[Document] = (),
    progress: Progress | None = None,
) -> LintReport:
    """Lint what ``read_inputs`` produced: the model, the documents (for positions) and the
    problems (for deprecated-api); ``stand_ins`` are workloads a blueprint describes, used
    when the input declares none."""
    options = options or LintOptions()
    documents = with_stand_ins(inputs.documents, stand_ins)
    built = replace(build_cluster(documents), not_evaluated=inputs.cluster.not_evaluated)
    cluster, possible = with_possible_endpoints(built)
    report = run_lint(cluster, roles=roles, options=options, documents=documents, progress=progress)
    findings = report.findings
    removed = (
        list(check_deprecated_api(inputs.problems)) if "deprecated-api" in options.rules else []
    )
    if removed:
        findings = tuple(sorted({*findings, *removed}, key=Finding.sort_key))
    notes = report.notes
    if len(documents) > len(inputs.documents):
        notes = ("the input declares no workloads: linting the blueprint's stand-in pods", *notes)
    if possible is not None:
        named = [(i, d) for i, d in possible.descriptions if any(i in f.obj for f in findings)]
        notes = (possible.notice, *(f"{i} is {d}" for i, d in named), *notes)
    return LintReport(findings, notes, report.roles)


def _context_notes(ctx: LintContext, original: Cluster) -> list[str]:
    notes = []
    if not ctx.subjects:
        notes.append(
            "the input declares no workloads (Pods, Deployments, ...): rules about endpoints "
            "found nothing to check; add the workload manifests or pass --blueprint"
        )
    if len(ctx.cluster.endpoints) > len(original.endpoints):
        notes.append(
            "no kube-dns pod in the input: assuming kube-system pods labelled "
            "k8s-app=kube-dns serving 53/UDP and 53/TCP"
        )
    role_rules = [r.id for r in RULES if r.needs_roles and r.id in ctx.options.rules]
    unknown = sorted({e.namespace for e in ctx.subjects if ctx.role(e) is None})
    if role_rules and ctx.subjects and len(unknown) == len({e.namespace for e in ctx.subjects}):
        notes.append(
            f"no roles known: {', '.join(role_rules)} need them (label namespaces "
            "purpose=<role> as the guide does, or pass --roles or --blueprint)"
        )
    elif role_rules and unknown:
        notes.append(
            f"no role known for namespace(s) {', '.join(unknown)}: role-based severities and "
            "checks skip them (label them purpose=<role>, or pass --roles or --blueprint)"
        )
    notes.extend(ctx.engine.placement_notes)
    return notes
