"""deprecated-api and named-port-unresolved."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from netfence.lint.catalogue import found, rule_info
from netfence.lint.context import LintContext
from netfence.lint.finding import Finding
from netfence.lint.wording import policy_obj
from netfence.model import Direction, Endpoint, NetworkPolicy, Rule
from netfence.problems import Problem
from netfence.validate.apiversions import REMOVED


def removed_api(problem: Problem) -> bool:
    """Whether a validation problem says the object's apiVersion is no longer served."""
    kind = problem.obj.split("/")[0]
    return problem.field == "apiVersion" and any(
        kind == k and f" {version} " in f" {problem.message} " for k, version in REMOVED
    )


def check_deprecated_api(problems: Iterable[Problem]) -> Iterator[Finding]:
    """One finding per object whose apiVersion the API server no longer serves."""
    info = rule_info("deprecated-api")
    for problem in problems:
        if removed_api(problem):
            yield found(
                info.id,
                message=f"{problem.message}; the object is left out of the analysis",
                obj=problem.obj,
                source=problem.source,
            )


def rule_destinations(
    ctx: LintContext, policy: NetworkPolicy, direction: Direction, rule: Rule
) -> list[Endpoint]:
    """The endpoints a rule's named ports are resolved on."""
    if direction == "ingress":
        return [e for e in ctx.selected(policy, "ingress") if e in ctx.subject_set]
    if not rule.peers:
        return list(ctx.subjects)
    found = {e: None for peer in rule.peers for e in ctx.peer_endpoints(policy, peer)}
    return list(found)


def check_named_ports(ctx: LintContext) -> Iterator[Finding]:
    """Named ports that none of a rule's destinations declares."""
    info = rule_info("named-port-unresolved")
    for policy, direction, r, rule in ctx.cluster.rules():
        named = [(i, p) for i, p in enumerate(rule.ports) if isinstance(p.port, str)]
        destinations = rule_destinations(ctx, policy, direction, rule) if named else []
        for i, port in named:
            name = str(port.port)
            if not destinations or any(e.named_ports(name, port.protocol) for e in destinations):
                continue
            shown = ", ".join(e.id for e in destinations[:3])
            more = f" and {len(destinations) - 3} more" if len(destinations) > 3 else ""
            yield found(
                info.id,
                message=f"{direction}[{r}] ports[{i}]: no destination declares a "
                f"{port.protocol} port named {name!r} ({shown}{more}), "
                "so it admits nothing",
                obj=policy_obj(policy),
                source=ctx.field_source(policy.source, ("spec", direction, r, "ports", i, "port")),
            )
