"""Checks that relate blueprint fields to each other, as values with YAML field paths."""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from netfence.blueprint.networks import blocks, kept_out, within
from netfence.blueprint.schema import Blueprint, External, PortRange, Workload
from netfence.load.document import Path
from netfence.model import IPNetwork


@dataclass(frozen=True)
class Issue:
    """A mistake in a blueprint: the field path (YAML names) and a message with a hint."""

    path: Path
    message: str


def _suggest(name: str, known: Iterable[str]) -> str:
    names = sorted(known)
    close = difflib.get_close_matches(name, names, n=1)
    if close:
        return f"did you mean {close[0]!r}?"
    return f"known: {', '.join(names)}" if names else "none are declared"


def check_blueprint(bp: Blueprint) -> list[Issue]:
    """Every cross-field mistake, in field order."""
    return [
        *_namespaces(bp),
        *_workloads(bp),
        *_overlapping_workloads(bp),
        *_externals(bp),
        *_flows(bp),
        *_unreachable_gateways(bp),
        *_dns(bp),
        *_api_server(bp),
        *_cluster(bp),
    ]


def _namespaces(bp: Blueprint) -> Iterator[Issue]:
    for name, spec in bp.namespaces.items():
        if not spec.isolate and spec.labels:
            yield Issue(
                ("namespaces", name, "labels"),
                "netfence never writes to a namespace with isolate: false (remove its labels)",
            )
        for key in spec.labels:
            if key == "kubernetes.io/metadata.name" or key.startswith("netfence.dev/"):
                yield Issue(
                    ("namespaces", name, "labels", key),
                    f"label {key!r} is set by Kubernetes or netfence (remove it)",
                )


def _workloads(bp: Blueprint) -> Iterator[Issue]:
    for name, workload in bp.workloads.items():
        if workload.namespace not in bp.namespaces:
            yield Issue(
                ("workloads", name, "namespace"),
                f"namespace {workload.namespace!r} is not declared under namespaces "
                f"({_suggest(workload.namespace, bp.namespaces)})",
            )
        if name in bp.externals:
            yield Issue(
                ("externals", name),
                f"{name!r} names both a workload and an external (rename one)",
            )


def _can_share_pods(a: Workload, b: Workload) -> bool:
    """Whether one pod can carry the labels of both selectors (no key with two values)."""
    return a.namespace == b.namespace and all(
        b.selector.get(key, value) == value for key, value in a.selector.items()
    )


def _sharing_candidates(bp: Blueprint) -> dict[str, set[str]]:
    """For each workload, the workloads of its namespace whose selectors do not contradict
    it on any of its keys (found through label indexes: no comparison of every pair)."""
    in_namespace: dict[str, set[str]] = defaultdict(set)
    keyed: dict[tuple[str, str], set[str]] = defaultdict(set)
    valued: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for name, workload in bp.workloads.items():
        in_namespace[workload.namespace].add(name)
        for key, value in workload.selector.items():
            keyed[(workload.namespace, key)].add(name)
            valued[(workload.namespace, key, value)].add(name)
    lacking = {(ns, key): in_namespace[ns] - names for (ns, key), names in keyed.items()}
    candidates: dict[str, set[str]] = {}
    for name, workload in bp.workloads.items():
        found = in_namespace[workload.namespace]
        for key, value in workload.selector.items():
            ns = workload.namespace
            found = found & (valued[(ns, key, value)] | lacking[(ns, key)])
        candidates[name] = found - {name}
    return candidates


def _overlapping_workloads(bp: Blueprint) -> Iterator[Issue]:
    order = {name: index for index, name in enumerate(bp.workloads)}
    candidates = _sharing_candidates(bp)
    for name in bp.workloads:
        earlier = sorted(
            (o for o in candidates[name] if order[o] < order[name]), key=lambda o: order[o]
        )
        for other in earlier:
            if _can_share_pods(bp.workloads[other], bp.workloads[name]):
                yield Issue(
                    ("workloads", name, "selector"),
                    f"can select the same pods as workload {other!r} in namespace "
                    f"{bp.workloads[name].namespace!r} (give the selectors a label key "
                    "with different values)",
                )


def _overlaps(nets: Sequence[IPNetwork]) -> Iterator[tuple[int, int]]:
    for i, net in enumerate(nets):
        for j in range(i):
            if net.overlaps(nets[j]):
                yield j, i


def _externals(bp: Blueprint) -> Iterator[Issue]:
    removed = kept_out(bp)
    for name, external in bp.externals.items():
        for first, second in _overlaps(external.cidrs):
            yield Issue(
                ("externals", name, "cidrs", second),
                f"{external.cidrs[second]} overlaps {external.cidrs[first]} "
                "(list each address once)",
            )
        for index, excluded in enumerate(external.excepts):
            if not any(excluded != c and within(excluded, c) for c in external.cidrs):
                yield Issue(
                    ("externals", name, "except", index),
                    f"{excluded} is not strictly inside any of the cidrs "
                    f"({', '.join(str(c) for c in external.cidrs)})",
                )
        yield from _emptied(name, external, removed, bp)


def _emptied(
    name: str, external: External, removed: tuple[tuple[IPNetwork, str], ...], bp: Blueprint
) -> Iterator[Issue]:
    kept = blocks(bp, external)
    for index, cidr in enumerate(external.cidrs):
        if any(block.cidr == cidr for block in kept):
            continue
        reason = next(why for net, why in removed if within(cidr, net))
        yield Issue(
            ("externals", name, "cidrs", index),
            f"{cidr} lies inside {reason}, which is never reachable as an external "
            "(reach pods through a workload; see options)",
        )


def _served(workload: Workload, port: PortRange) -> bool:
    return any(served.covers(port) for served in workload.ports)


def _flows(bp: Blueprint) -> Iterator[Issue]:
    known = {*bp.workloads, *bp.externals}
    seen: dict[str, int] = {}
    for index, flow in enumerate(bp.flows):
        path: Path = ("flows", index)
        for key, ref in (("from", flow.source), ("to", flow.target)):
            if ref not in known:
                yield Issue(
                    (*path, key),
                    f"{ref!r} is neither a workload nor an external ({_suggest(ref, known)})",
                )
        if flow.source in bp.externals and flow.target in bp.externals:
            yield Issue(path, "a flow between two externals never crosses the cluster")
        yield from _unisolated_ends(bp, flow.source, flow.target, path)
        target = bp.workloads.get(flow.target)
        if target is not None:
            for port_index, port in enumerate(flow.ports):
                if not _served(target, port):
                    served = ", ".join(str(p) for p in target.ports) or "no ports"
                    yield Issue(
                        (*path, "ports", port_index),
                        f"workload {flow.target!r} does not serve {port} (it serves {served}; "
                        f"add it to workloads.{flow.target}.ports)",
                    )
        if flow.id in seen:
            yield Issue(
                path,
                f"flow {flow.id!r} is declared twice (flows[{seen[flow.id]}]; "
                "merge them or give each a distinct name)",
            )
        seen.setdefault(flow.id, index)


def _unreachable_gateways(bp: Blueprint) -> Iterator[Issue]:
    """A gateway that no flow reaches is a front door the deny-all bricks up."""
    targets = {flow.target for flow in bp.flows}
    for name, workload in bp.workloads.items():
        spec = bp.namespaces.get(workload.namespace)
        if spec is None or not spec.isolate or spec.role != "gateway" or name in targets:
            continue
        served = ", ".join(str(p) for p in workload.ports) or "its ports"
        yield Issue(
            ("workloads", name),
            f"gateway {name!r} (namespace {workload.namespace!r} has role gateway) admits no "
            f"client: no flow has `to: {name}` (add a flow to it on {served} from its "
            "clients: an external of their ranges, or an ingress controller's workload in a "
            "namespace with isolate: false)",
        )


def _isolated(bp: Blueprint, name: str) -> bool:
    """Whether ``name`` is a workload of a namespace netfence isolates."""
    workload = bp.workloads.get(name)
    return workload is not None and workload.namespace in bp.isolated


def _unisolated_ends(bp: Blueprint, source: str, target: str, path: Path) -> Iterator[Issue]:
    """A flow needs a policy in an isolated namespace: it may come from a namespace with
    isolate: false (an ingress controller), never go into one."""
    workload = bp.workloads.get(target)
    if workload is not None and workload.namespace in bp.namespaces and not _isolated(bp, target):
        yield Issue(
            (*path, "to"),
            f"{target!r} is in namespace {workload.namespace!r}, which has isolate: false: "
            "netfence writes no policy there (flows may only come from it)",
        )
    elif source in bp.workloads and target in bp.externals and not _isolated(bp, source):
        yield Issue(
            (*path, "from"),
            f"{source!r} is in a namespace with isolate: false: netfence writes no policy for "
            "its flows to externals (isolate its namespace)",
        )


def _dns(bp: Blueprint) -> Iterator[Issue]:
    if bp.dns.namespace in bp.namespaces:
        yield Issue(
            ("dns", "namespace"),
            f"{bp.dns.namespace!r} is also a blueprint namespace: its deny-all would cut DNS "
            "for the whole cluster (leave it out of namespaces)",
        )
    local = bp.dns.node_local
    if local is not None and any(local in cidr for cidr in bp.cluster.pod_cidrs):
        yield Issue(
            ("dns", "nodeLocalDNS"),
            f"{local} is inside the pod CIDR (NodeLocal DNSCache listens on a link-local "
            "address such as 169.254.20.10)",
        )


def _api_server(bp: Blueprint) -> Iterator[Issue]:
    api = bp.options.api_server
    if api is None:
        return
    for index, name in enumerate(api.workloads):
        if name not in bp.workloads:
            yield Issue(
                ("options", "apiServer", "workloads", index),
                f"{name!r} is not a workload ({_suggest(name, bp.workloads)})",
            )
        elif not _isolated(bp, name) and bp.workloads[name].namespace in bp.namespaces:
            yield Issue(
                ("options", "apiServer", "workloads", index),
                f"{name!r} is in a namespace with isolate: false: its egress is not restricted",
            )
    for index, address in enumerate(api.addresses):
        if any(address.overlaps(s) for s in bp.cluster.service_cidrs):
            yield Issue(
                ("options", "apiServer", "addresses", index),
                f"{address} is a Service address, translated before policies apply (use the "
                "API server's own addresses: kubectl get endpointslices -l "
                "kubernetes.io/service-name=kubernetes)",
            )


def _cluster(bp: Blueprint) -> Iterator[Issue]:
    nets = [*bp.cluster.pod_cidrs, *bp.cluster.service_cidrs]
    for first, second in _overlaps(nets):
        pods = len(bp.cluster.pod_cidrs)
        key, index = ("podCIDRs", second) if second < pods else ("serviceCIDRs", second - pods)
        yield Issue(
            ("cluster", key, index),
            f"{nets[second]} overlaps {nets[first]} (pod and service ranges are disjoint)",
        )
