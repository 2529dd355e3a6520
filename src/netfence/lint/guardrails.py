"""guardrail-not-enforced: a guardrail the blueprint asks for that the input's tiers lack.

Checked on the input's endpoints through the engine where a verdict can show it (DNS always
allowed, no metadata service), and on the tier policies themselves where it cannot (a
Baseline default deny, model storage closed to other pods). A guardrail is the SIG Network
Admin (before NetworkPolicies) or Baseline (after them) tier, or a Calico tier ordered before
or after Calico's default tier, where Kubernetes NetworkPolicies sit.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

from netfence.engine.calico_match import CalicoMatcher
from netfence.engine.tier_match import subject_selects
from netfence.lint.catalogue import found
from netfence.lint.context import LintContext
from netfence.lint.finding import Finding
from netfence.lint.roles import KNOWN_ROLES
from netfence.model import CLOUD_METADATA_IPS, Endpoint
from netfence.model.calico import DEFAULT_TIER_ORDER, CalicoPolicy, EntityRule
from netfence.model.calico_selector import All
from netfence.model.tiers import TierPolicy

RULE = "guardrail-not-enforced"
# Lint role names: the blueprint's model-storage is "data".
GUARDED_ROLES = ("data", "inference")


def _finding(ctx: LintContext, endpoint: Endpoint, message: str) -> Finding:
    namespace = ctx.cluster.namespace(endpoint.namespace)
    return found(
        RULE,
        message=message,
        obj=f"Namespace/{endpoint.namespace}",
        source=namespace.source if namespace is not None else endpoint.source,
    )


def _before_policies(ctx: LintContext, tier: str) -> bool | None:
    """Whether ``tier`` comes before the NetworkPolicies (None: it is their own tier)."""
    if tier in ("Admin", "Baseline"):
        return tier == "Admin"
    order = next((t.order for t in ctx.cluster.calico.tiers if t.name == tier), None)
    if order == DEFAULT_TIER_ORDER:
        return None
    return order is not None and order < DEFAULT_TIER_ORDER


def _calico_selecting(ctx: LintContext, endpoint: Endpoint, before: bool) -> list[CalicoPolicy]:
    matcher = CalicoMatcher(ctx.cluster, ctx.cluster.namespace_labels)
    return [
        p
        for p in ctx.cluster.calico.policies
        if _before_policies(ctx, p.tier) is before and matcher.applies(p, endpoint, "ingress")
    ]


def _every_pod(entity: EntityRule) -> bool:
    """The entity matches every pod of every namespace, on every port."""
    chosen = (entity.selector, entity.namespace_selector)
    return (
        all(s is None or isinstance(s, All) for s in chosen)
        and entity.not_selector is None
        and not (entity.nets or entity.not_nets or entity.ports or entity.not_ports)
        and not (entity.service_account_names or entity.service_account_selector)
    )


def _calico_denies_all(policy: CalicoPolicy) -> bool:
    return any(
        rule.action == "Deny"
        and rule.protocol is None
        and rule.not_protocol is None
        and _every_pod(rule.source)
        and _every_pod(rule.destination)
        for rule in policy.ingress
    )


def _closed_to_pods(ctx: LintContext, endpoint: Endpoint, before: bool) -> bool:
    """Some tier policy before (after) the NetworkPolicies denies ingress from every pod."""
    tier = "Admin" if before else "Baseline"
    return any(_denies_all(p, "ingress") for p in _selecting(ctx, endpoint, tier)) or any(
        _calico_denies_all(p) for p in _calico_selecting(ctx, endpoint, before)
    )


def _selecting(ctx: LintContext, endpoint: Endpoint, tier: str) -> list[TierPolicy]:
    labels = ctx.cluster.namespace_labels(endpoint.namespace)
    return [
        p
        for p in ctx.cluster.tier_policies
        if p.tier == tier and subject_selects(p, endpoint, labels)
    ]


def _denies_all(policy: TierPolicy, direction: str) -> bool:
    return any(
        rule.action == "Deny"
        and rule.ports is None
        and any(
            p.selector is not None and p.selector.namespaces.is_empty and p.selector.pods is None
            for p in rule.peers
        )
        for rule in policy.rules(direction)
    )


def _dns(ctx: LintContext, endpoint: Endpoint) -> str | None:
    for target in ctx.dns_targets:
        decided = ctx.engine.verdict(endpoint, target, 53, "UDP").egress.decided_by
        if decided is None or not _before_policies(ctx, decided.tier) or decided.action != "Allow":
            return f"alwaysAllowDNS: no Admin tier rule allows {endpoint.id} DNS to {target.id}"
    return None


def _metadata(ctx: LintContext, endpoint: Endpoint) -> str | None:
    for ip in CLOUD_METADATA_IPS:
        if not any(ip.version == own.version for own in endpoint.ips) and endpoint.ips:
            continue
        target = ctx.engine.find(str(ip))
        if target is None:
            continue
        decided = ctx.engine.verdict(endpoint, target, 80, "TCP").egress.decided_by
        if decided is None or not _before_policies(ctx, decided.tier) or decided.action != "Deny":
            return (
                f"denyInternet: no Admin tier rule denies {endpoint.id} the metadata service "
                f"{ipaddress.ip_address(ip)}"
            )
    return None


def check_guardrails(ctx: LintContext) -> Iterator[Finding]:
    asked = set(ctx.options.guardrails)
    if not asked:
        return
    for endpoint in ctx.subjects:
        role = ctx.role(endpoint)
        if ctx.is_dns(endpoint) or role not in KNOWN_ROLES:
            continue  # an ingress controller's namespace is left open: no guardrail there
        problems: list[str | None] = []
        if "alwaysAllowDNS" in asked:
            problems.append(_dns(ctx, endpoint))
        if "denyInternet" in asked and role in GUARDED_ROLES:
            problems.append(_metadata(ctx, endpoint))
        if "baselineDefaultDeny" in asked and not _closed_to_pods(ctx, endpoint, before=False):
            problems.append(
                f"baselineDefaultDeny: no Baseline tier policy denies ingress to {endpoint.id}"
            )
        if (
            "protectModelStorage" in asked
            and role == "data"
            and not _closed_to_pods(ctx, endpoint, before=True)
        ):
            problems.append(
                f"protectModelStorage: no Admin tier rule denies other pods' ingress to "
                f"{endpoint.id}"
            )
        for message in problems:
            if message is not None:
                yield _finding(ctx, endpoint, message)
