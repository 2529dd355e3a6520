"""Exposure: egress-to-internet, metadata-endpoint-reachable, ingress-from-everywhere,
exfiltration-path."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property

from netfence.engine import Engine, ExternalRange, IPSet, Node
from netfence.lint.addresses import NODE_LOCAL, describe_externals, host_network
from netfence.lint.catalogue import found
from netfence.lint.closing import close_egress, close_ingress
from netfence.lint.context import LintContext
from netfence.lint.finding import Finding, Severity
from netfence.lint.roles import DATA_ROLES, SERVING_ROLES
from netfence.lint.setup import make_engine
from netfence.lint.wording import Connections, describe_connections, endpoint_obj
from netfence.model import (
    CLOUD_METADATA_IPS,
    NAMESPACE_NAME_LABEL,
    Cluster,
    Direction,
    Endpoint,
    Namespace,
)
from netfence.model.types import freeze_labels
from netfence.problems import Source

PROBE_NAMESPACE = "netfence-probe"
ROLE_SEVERITY: dict[str, Severity] = {"inference": "error", "data": "error", "agents": "info"}
# What may take the place of a public ipBlock, by role: for model storage and inference,
# nothing (their route to the internet is what the finding is about).
REPLACEMENT: dict[str, str] = {
    "inference": "",
    "data": "",
    "agents": "; list the tool APIs the agent calls by their own CIDRs instead",
}
OTHER_REPLACEMENT = "; if it must reach an outside service, list that service's own CIDRs instead"


def merge(parts: list[Connections]) -> Connections:
    """The union of several connection sets."""
    merged: Connections = {}
    for part in parts:
        for proto, ports in part.items():
            merged[proto] = merged[proto] | ports if proto in merged else ports
    return merged


def finding(
    rule_id: str,
    endpoint: Endpoint,
    message: str,
    source: Source | None,
    severity: Severity | None = None,
    fix: str = "",
) -> Finding:
    """A finding about ``endpoint`` with the rule's hint, then ``fix`` (how to close it in this
    input) or, without one, the rule's snippet."""
    return found(
        rule_id,
        message=message,
        obj=endpoint_obj(endpoint),
        source=source,
        severity=severity,
        snippet=fix or None,
    )


class Exposure:
    """Reachability questions the exposure rules share, each asked of the engine once."""

    def __init__(self, ctx: LintContext) -> None:
        self.ctx = ctx
        self._outside_reach: dict[str, dict[ExternalRange, Connections]] = {}
        self._reached: dict[tuple[int, tuple[ExternalRange, ...]], dict[ExternalRange, Connections]]
        self._reached = {}

    def reachable(
        self, src: Node, targets: tuple[ExternalRange, ...]
    ) -> dict[ExternalRange, Connections]:
        """The ``targets`` that ``src`` reaches, with the ports (asked once per class of
        the engine's nodes)."""
        engine = self.ctx.engine
        if src.id not in engine.node_index:
            return self._reachable(src, targets)
        key = (engine.node_class(src), targets)
        if key not in self._reached:
            self._reached[key] = self._reachable(src, targets)
        return dict(self._reached[key])

    def _reachable(
        self, src: Node, targets: tuple[ExternalRange, ...]
    ) -> dict[ExternalRange, Connections]:
        found = {}
        for target in targets:
            connections = self.ctx.reach(src, target)
            if connections:
                found[target] = connections
        return found

    def reaches_outside(self, src: Endpoint) -> dict[ExternalRange, Connections]:
        if src.id not in self._outside_reach:
            self._outside_reach[src.id] = self.reachable(src, self.outside)
        return self._outside_reach[src.id]

    @cached_property
    def outside(self) -> tuple[ExternalRange, ...]:
        """External ranges that leave the cluster: not pod, service, DNS, link-local or
        loopback addresses (the metadata service is metadata-endpoint-reachable's)."""
        options = self.ctx.options
        inside = IPSet.of(
            (
                *options.effective_pod_cidrs,
                *options.effective_service_cidrs,
                *(host_network(ip) for ip in options.dns_ips),
                *NODE_LOCAL,
            )
        )
        return tuple(
            e for e in self.ctx.engine.externals if not (IPSet.of(e.cidrs) - inside).is_empty
        )

    @cached_property
    def metadata_targets(self) -> tuple[ExternalRange, ...]:
        """The external ranges holding the metadata addresses of the families in use."""
        versions = {ip.version for e in self.ctx.cluster.endpoints for ip in e.ips} or {4}
        found = (
            self.ctx.engine.find(str(ip)) for ip in CLOUD_METADATA_IPS if ip.version in versions
        )
        return tuple(node for node in found if isinstance(node, ExternalRange))

    @cached_property
    def probe(self) -> tuple[Engine, Endpoint]:
        """The engine plus an unlabelled pod in a fresh unlabelled namespace: "anyone"."""
        cluster = self.ctx.cluster
        probe = Endpoint(namespace=PROBE_NAMESPACE, name="anyone")
        labels = freeze_labels({NAMESPACE_NAME_LABEL: PROBE_NAMESPACE})
        changed = Cluster(
            (*cluster.namespaces, Namespace(PROBE_NAMESPACE, labels)),
            (*cluster.endpoints, probe),
            cluster.policies,
            cluster.services,
        )
        return make_engine(changed, self.ctx.options, self.ctx.cidrs), probe


def _summary(reached: dict[ExternalRange, Connections]) -> str:
    ranges = describe_externals(list(reached))
    return f"{ranges} on {describe_connections(merge(list(reached.values())))}"


def _not_isolated(ctx: LintContext, endpoint: Endpoint, direction: Direction) -> str:
    return "" if ctx.isolated(endpoint, direction) else f" (its {direction} is not isolated)"


def check_egress_to_internet(ctx: LintContext, exposure: Exposure) -> Iterator[Finding]:
    """Endpoints with a role that reach public addresses; severity by role."""
    for endpoint in ctx.subjects:
        role = ctx.role(endpoint)
        if role is None or ctx.is_dns(endpoint):
            continue
        reached = exposure.reachable(endpoint, ctx.public_externals)
        if not reached:
            continue
        first, connections = next(iter(reached.items()))
        yield finding(
            "egress-to-internet",
            endpoint,
            f"{endpoint.id} (role {role}) can reach {_summary(reached)}"
            + _not_isolated(ctx, endpoint, "egress"),
            ctx.location("egress", endpoint, first, connections),
            ROLE_SEVERITY.get(role, "warning"),
            close_egress(
                ctx, endpoint, reached, allowed_by_name=REPLACEMENT.get(role, OTHER_REPLACEMENT)
            ),
        )


def check_metadata(ctx: LintContext, exposure: Exposure) -> Iterator[Finding]:
    """Endpoints that reach the cloud metadata service."""
    for endpoint in ctx.subjects:
        reached = exposure.reachable(endpoint, exposure.metadata_targets)
        if not reached:
            continue
        first, connections = next(iter(reached.items()))
        isolated = ctx.isolated(endpoint, "egress")
        addresses = ", ".join(str(ip) for ip in CLOUD_METADATA_IPS if any(ip in e for e in reached))
        yield finding(
            "metadata-endpoint-reachable",
            endpoint,
            f"{endpoint.id} can reach the cloud metadata service {addresses} on "
            f"{describe_connections(merge(list(reached.values())))}"
            + _not_isolated(ctx, endpoint, "egress"),
            ctx.location("egress", endpoint, first, connections),
            "error" if isolated else "warning",
            close_egress(ctx, endpoint, reached, excluded=CLOUD_METADATA_IPS),
        )


def check_ingress_from_everywhere(ctx: LintContext, exposure: Exposure) -> Iterator[Finding]:
    """Inference, vector-db and data endpoints open to any namespace or every address."""
    for endpoint in ctx.subjects:
        role = ctx.role(endpoint)
        if role not in SERVING_ROLES:
            continue
        engine, probe = exposure.probe
        wide: list[str] = []
        sources: list[tuple[Node, Connections, Engine]] = []
        source: Source | None = None
        from_anyone = {
            p: s for p, s in engine.connections(probe, endpoint).items() if not s.is_empty
        }
        if from_anyone:
            wide.append(f"pods of any namespace on {describe_connections(from_anyone)}")
            source = ctx.location("ingress", probe, endpoint, from_anyone, engine)
            sources.append((probe, from_anyone, engine))
        publics = ctx.public_externals
        from_everywhere = [ctx.reach(ext, endpoint) for ext in publics]
        if publics and all(from_everywhere):
            wide.append(f"every public address on {describe_connections(merge(from_everywhere))}")
            source = source or ctx.location("ingress", publics[0], endpoint, from_everywhere[0])
            sources.append((publics[0], from_everywhere[0], ctx.engine))
        if wide:
            yield finding(
                "ingress-from-everywhere",
                endpoint,
                f"{endpoint.id} (role {role}) admits "
                + " and ".join(wide)
                + _not_isolated(ctx, endpoint, "ingress"),
                source,
                fix=close_ingress(ctx, endpoint, sources),
            )


def _exfiltration_path(
    ctx: LintContext, exposure: Exposure, src: Endpoint
) -> tuple[str, Source | None] | None:
    """``src -> outside`` or ``src -> intermediate -> outside``, and where it is admitted."""
    direct = exposure.reaches_outside(src)
    if direct:
        first, connections = next(iter(direct.items()))
        return f"{src.id} -> {_summary(direct)}", ctx.location("egress", src, first, connections)
    for mid in ctx.subjects:
        if mid == src or ctx.is_dns(mid) or ctx.role(mid) in DATA_ROLES:
            continue
        hop = ctx.reach(src, mid)
        onward = exposure.reaches_outside(mid) if hop else {}
        if onward:
            first, connections = next(iter(onward.items()))
            path = f"{src.id} -> {mid.id} ({describe_connections(hop)}) -> {_summary(onward)}"
            return path, ctx.location("egress", mid, first, connections)
    return None


def check_exfiltration(ctx: LintContext, exposure: Exposure) -> Iterator[Finding]:
    """Endpoints that read model storage and can send outside (directly or via one hop)."""
    storage = [e for e in ctx.subjects if ctx.role(e) in DATA_ROLES]
    for src in ctx.subjects:
        if src in storage or ctx.is_dns(src):
            continue
        readable = [(st, ctx.reach(src, st)) for st in storage]
        readable = [(st, c) for st, c in readable if c]
        path = _exfiltration_path(ctx, exposure, src) if readable else None
        if path is None:
            continue
        reads = ", ".join(f"{st.id} ({describe_connections(c)})" for st, c in readable)
        yield finding(
            "exfiltration-path",
            src,
            f"{src.id} can read model storage {reads} and send outside the cluster: {path[0]}",
            path[1],
        )


def check_exposure(ctx: LintContext) -> Iterator[Finding]:
    """All exposure rules over one shared set of reachability answers."""
    exposure = Exposure(ctx)
    yield from check_egress_to_internet(ctx, exposure)
    yield from check_metadata(ctx, exposure)
    yield from check_ingress_from_everywhere(ctx, exposure)
    yield from check_exfiltration(ctx, exposure)
