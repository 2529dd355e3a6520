"""service-port-in-policy: a rule names a Service's port where the pods serve another one."""

from __future__ import annotations

from collections.abc import Iterator

from netfence.lint.api import rule_destinations
from netfence.lint.catalogue import found
from netfence.lint.context import LintContext
from netfence.lint.finding import Finding
from netfence.lint.wording import policy_obj
from netfence.model import Endpoint, PolicyPort, Service

RULE = "service-port-in-policy"


def _fronts(service: Service, endpoint: Endpoint) -> bool:
    """Whether ``service`` sends traffic to ``endpoint``'s pods (its selector matches them)."""
    labels = endpoint.label_map
    return (
        service.namespace == endpoint.namespace
        and bool(service.selector)
        and all(labels.get(key) == value for key, value in service.selector)
    )


def _target_ports(service: Service, endpoint: Endpoint, port: PolicyPort) -> tuple[int, ...]:
    """The pod ports ``service`` forwards the policy's port number to on ``endpoint``."""
    found: list[int] = []
    for entry in service.ports:
        if entry.port != port.port or entry.protocol != port.protocol:
            continue
        target = entry.target_port
        found += (
            [target] if isinstance(target, int) else endpoint.named_ports(target, port.protocol)
        )
    return tuple(found)


def check_service_ports(ctx: LintContext) -> Iterator[Finding]:
    """Rule ports that equal a Service port whose target port differs, on destinations that do
    not serve the Service port themselves (only when the input has Services)."""
    if not ctx.cluster.services:
        return
    for policy, direction, r, rule in ctx.cluster.rules():
        numbered = [(i, p) for i, p in enumerate(rule.ports) if isinstance(p.port, int)]
        destinations = rule_destinations(ctx, policy, direction, rule) if numbered else []
        for i, port in numbered:
            if port.end_port is not None:
                continue
            misses: dict[str, tuple[int, ...]] = {}
            for endpoint in destinations:
                if any((p.port, p.protocol) == (port.port, port.protocol) for p in endpoint.ports):
                    continue
                for service in ctx.cluster.services:
                    targets = (
                        _target_ports(service, endpoint, port) if _fronts(service, endpoint) else ()
                    )
                    if targets and port.port not in targets:
                        misses.setdefault(service.id, targets)
            if not misses:
                continue
            services = ", ".join(
                f"{sid} (targetPort {', '.join(map(str, t))})" for sid, t in misses.items()
            )
            pod_ports = sorted({t for targets in misses.values() for t in targets})
            fix = ", ".join(f"{{port: {t}, protocol: {port.protocol}}}" for t in pod_ports)
            yield found(
                RULE,
                message=f"{direction}[{r}] ports[{i}]: {port.port}/{port.protocol} is the port of "
                f"Service {services}, which the selected pods do not serve: policies match "
                "the pods' ports, so this admits nothing through the Service",
                obj=policy_obj(policy),
                source=ctx.field_source(policy.source, ("spec", direction, r, "ports", i, "port")),
                snippet=f"ports: [{fix}]",
            )
