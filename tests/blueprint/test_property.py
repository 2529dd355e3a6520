"""Property: any valid blueprint yields policies whose analysis is exactly its flows plus DNS."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netfence.blueprint import make_plan
from netfence.engine import Engine, PortSet
from netfence.model import Protocol
from tests.blueprint.helpers import parse

NAMESPACES = ("ns-a", "ns-b", "ns-c")
WORKLOADS = ("api", "llm", "db", "cache")
SERVED = (80, 443, 8000, "53/UDP", "9000-9010/TCP", "132/SCTP")
EXTERNALS: dict[str, dict[str, Any]] = {
    "web": {"cidrs": ["0.0.0.0/0", "::/0"], "except": ["10.0.0.0/8", "fc00::/7"]},
    "partner": {"cidrs": ["203.0.113.0/24"]},
    "lab": {"cidrs": ["2001:db8::/32", "198.51.100.0/24"], "except": ["198.51.100.0/28"]},
}
# No gateway: a gateway needs a client flow (tests/blueprint/test_errors.py).
ROLES = ("inference", "agents", "vector-db", "model-storage", "custom")


@st.composite
def blueprints(draw: st.DrawFn) -> tuple[dict[str, Any], list[tuple[str, str, list[Any]]]]:
    """Blueprint data and its flows as (from, to, ports)."""
    namespaces = draw(st.lists(st.sampled_from(NAMESPACES), min_size=1, max_size=3, unique=True))
    names = draw(st.lists(st.sampled_from(WORKLOADS), min_size=1, max_size=4, unique=True))
    workloads: dict[str, Any] = {}
    for name in names:
        ports = draw(st.lists(st.sampled_from(SERVED), min_size=1, max_size=3, unique=True))
        namespace = draw(st.sampled_from(namespaces))
        workloads[name] = {"namespace": namespace, "selector": {"app": name}, "ports": ports}
    for name, workload in workloads.items():
        alone = [w for w in workloads.values() if w["namespace"] == workload["namespace"]]
        if len(alone) == 1 and draw(st.booleans()):
            workloads[name]["selector"] = {}  # every pod of its namespace
    externals = draw(st.lists(st.sampled_from(sorted(EXTERNALS)), max_size=2, unique=True))
    ends = [*names, *externals]
    flows: list[tuple[str, str, list[Any]]] = []
    for source, target in draw(
        st.lists(st.tuples(st.sampled_from(ends), st.sampled_from(ends)), max_size=5, unique=True)
    ):
        if source in externals and target in externals:
            continue
        choices = workloads[target]["ports"] if target in workloads else list(SERVED)
        ports = draw(st.lists(st.sampled_from(choices), min_size=1, max_size=2, unique=True))
        flows.append((source, target, ports))
    data = {
        "apiVersion": "netfence.dev/v1alpha1",
        "kind": "Blueprint",
        "metadata": {"name": "random"},
        "cluster": {"podCIDRs": ["10.244.0.0/16", "fd00:10:244::/56"]},
        "namespaces": {n: {"role": draw(st.sampled_from(ROLES))} for n in namespaces},
        "workloads": workloads,
        "externals": {name: EXTERNALS[name] for name in externals},
        "flows": [{"from": s, "to": t, "ports": p} for s, t, p in flows],
        "dns": {"nodeLocalDNS": "169.254.20.10"} if draw(st.booleans()) else {},
    }
    return data, flows


def _port_sets(ports: list[Any]) -> dict[Protocol, PortSet]:
    out: dict[Protocol, PortSet] = {}
    for port in ports:
        text, _, protocol = str(port).partition("/")
        lo, _, hi = text.partition("-")
        key: Any = protocol or "TCP"
        out[key] = out.get(key, PortSet()) | PortSet.single(int(lo), int(hi or lo))
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(blueprints())
def test_random_blueprints_are_proven(
    case: tuple[dict[str, Any], list[tuple[str, str, list[Any]]]],
) -> None:
    data, flows = case
    plan = make_plan(parse(data))
    assert not plan.problems
    assert plan.holds, [
        (c.source, c.target, c.protocol, str(c.extra)) for c in plan.proof.offending
    ]
    # Independently of the proof: pod-to-pod connections are exactly the declared flows.
    engine = Engine(plan.cluster)
    pods = {e.name: e for e in engine.endpoints}
    for source, src in pods.items():
        for target, dst in pods.items():
            if src is dst:
                continue
            wanted: list[Any] = [
                p for s, t, ports in flows if (s, t) == (source, target) for p in ports
            ]
            if target == "kube-dns" and src.namespace in data["namespaces"]:
                wanted += ["53/UDP", "53/TCP"]
            if src.namespace not in data["namespaces"] and dst.namespace not in data["namespaces"]:
                continue
            allowed = {k: v for k, v in engine.connections(src, dst).items() if not v.is_empty}
            assert allowed == _port_sets(wanted), (source, target)
