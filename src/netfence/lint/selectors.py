"""selector-matches-nothing and policy-selects-nothing."""

from __future__ import annotations

from collections.abc import Iterator

from netfence.lint.catalogue import found, rule_info
from netfence.lint.context import LintContext
from netfence.lint.finding import Finding
from netfence.lint.wording import PEERS_KEY, policy_obj
from netfence.model import LabelSelector, NetworkPolicy, Peer

Matched = dict[LabelSelector, list[str]]
"""The namespaces each namespaceSelector matches (found once per selector)."""


def _namespaces_matched(
    ctx: LintContext, peer: Peer, policy: NetworkPolicy, matched: Matched
) -> list[str]:
    selector = peer.namespace_selector
    if selector is None:
        return [policy.namespace]
    if selector not in matched:
        namespaces = ctx.cluster.namespaces
        matched[selector] = [ns.name for ns in namespaces if selector.matches(ns.label_map)]
    return matched[selector]


def _likely_meant(ctx: LintContext, selector: LabelSelector) -> str:
    """A namespace named like a value the selector wants, and the label command it lacks."""
    labels = dict(selector.match_labels)
    for namespace in ctx.cluster.namespaces:
        if namespace.name in labels.values() and not selector.match_expressions:
            missing = " ".join(f"{k}={v}" for k, v in labels.items())
            return (
                f" (namespace {namespace.name} is not labelled {missing}: "
                f"kubectl label namespace {namespace.name} {missing})"
            )
    return ""


def _peer_problem(
    ctx: LintContext, peer: Peer, policy: NetworkPolicy, matched: Matched
) -> tuple[str, str] | None:
    """(selector field, what it fails to match) when a selector peer matches nothing."""
    if peer.ip_block is not None:
        return None
    namespaces = _namespaces_matched(ctx, peer, policy, matched)
    if peer.namespace_selector is not None and not namespaces:
        return (
            "namespaceSelector",
            f"namespaceSelector {peer.namespace_selector} matches no namespace"
            + _likely_meant(ctx, peer.namespace_selector),
        )
    if not ctx.subjects:
        return None
    if len(ctx.peer_positions(policy, peer)) or peer.pod_selector is None:
        return None
    where = ", ".join(namespaces)
    return "podSelector", f"podSelector {peer.pod_selector} matches no pod in namespace(s) {where}"


def check_selectors(ctx: LintContext) -> Iterator[Finding]:
    """Rule peers whose selectors match nothing in the input."""
    info = rule_info("selector-matches-nothing")
    matched: Matched = {}
    for policy, direction, r, rule in ctx.cluster.rules():
        for p, peer in enumerate(rule.peers):
            problem = _peer_problem(ctx, peer, policy, matched)
            if problem is None:
                continue
            field, text = problem
            path = ("spec", direction, r, PEERS_KEY[direction], p, field)
            yield found(
                info.id,
                message=f"{direction}[{r}] peer[{p}]: {text}, so this peer admits nothing",
                obj=policy_obj(policy),
                source=ctx.field_source(policy.source, path),
            )


def check_policy_selection(ctx: LintContext) -> Iterator[Finding]:
    """Policies whose podSelector selects no endpoint of the input."""
    if not ctx.subjects:
        return
    info = rule_info("policy-selects-nothing")
    selected = {policy_id for policy_id, _ in ctx.selected_by}
    for policy in ctx.cluster.policies:
        if policy.id not in selected:
            yield found(
                info.id,
                message=f"podSelector {policy.pod_selector} selects no pod in namespace "
                f"{policy.namespace}, so the policy has no effect",
                obj=policy_obj(policy),
                source=ctx.field_source(policy.source, ("spec", "podSelector")),
            )
