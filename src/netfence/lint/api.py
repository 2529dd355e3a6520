"""deprecated-api and named-port-unresolved."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np

from netfence.engine.rows import numbered
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
        positions = ctx.selected_positions(policy, "ingress")
        positions = positions[ctx.subject_mask[positions]]
    elif not rule.peers:
        return list(ctx.subjects)
    else:  # each endpoint once, peer by peer
        named = np.concatenate([ctx.peer_positions(policy, peer) for peer in rule.peers])
        first, _ = numbered(named)
        positions = named[np.sort(first)]
    endpoints = ctx.cluster.endpoints
    return [endpoints[i] for i in positions.tolist()]


# IANA service names and the port names Kubernetes manifests use most, for telling a
# misspelt name when no workload is given to resolve it on.
KNOWN_PORT_NAMES = frozenset(
    {
        "http",
        "https",
        "http2",
        "grpc",
        "grpcs",
        "h2c",
        "web",
        "api",
        "admin",
        "health",
        "metrics",
        "http-metrics",
        "https-metrics",
        "monitoring",
        "dns",
        "dns-tcp",
        "dns-udp",
        "domain",
        "ssh",
        "ftp",
        "smtp",
        "smtps",
        "imap",
        "imaps",
        "ldap",
        "ldaps",
        "ntp",
        "postgres",
        "postgresql",
        "mysql",
        "redis",
        "mongodb",
        "mongo",
        "amqp",
        "amqps",
        "kafka",
        "nats",
        "memcached",
        "cassandra",
        "etcd",
        "zookeeper",
        "elasticsearch",
        "minio",
        "s3",
        "console",
        "webhook",
        "tcp",
        "udp",
        "tls",
        "ws",
        "wss",
    }
)


def _near(a: str, b: str) -> bool:
    """Whether ``a`` is one edit (insert, delete, replace, or swap of neighbours) from ``b``."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        swapped = len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]]
        return len(diff) == 1 or (swapped and a[diff[1]] == b[diff[0]])
    short, long = sorted((a, b), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def misspelt(name: str, known: Iterable[str]) -> str | None:
    """The known name ``name`` looks like a misspelling of, or None."""
    pool = set(known) | KNOWN_PORT_NAMES
    if name in pool:
        return None
    return next((k for k in sorted(pool) if _near(name, k)), None)


def check_named_ports(ctx: LintContext) -> Iterator[Finding]:
    """Named ports that none of a rule's destinations declares; without workloads (every
    possible pod serves every name), names one edit away from a known name."""
    info = rule_info("named-port-unresolved")
    if ctx.cluster.witnesses:
        yield from _misspelt_names(ctx)
        return
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


def _misspelt_names(ctx: LintContext) -> Iterator[Finding]:
    """Port names of rules that look like misspellings of another name the input uses or of
    a well-known one (the input has no workloads to resolve them on)."""
    rules = list(ctx.cluster.rules())
    used = {str(p.port) for *_, rule in rules for p in rule.ports if isinstance(p.port, str)}
    for policy, direction, r, rule in rules:
        for i, port in enumerate(rule.ports):
            if not isinstance(port.port, str):
                continue
            near = misspelt(port.port, used - {port.port})
            if near is None:
                continue
            yield found(
                "named-port-unresolved",
                message=f"{direction}[{r}] ports[{i}]: port name {port.port!r} looks like a "
                f"misspelling of {near!r}; no workloads are given to resolve it on, and a pod "
                f"serving {near!r} is not admitted by it",
                obj=policy_obj(policy),
                source=ctx.field_source(policy.source, ("spec", direction, r, "ports", i, "port")),
            )
