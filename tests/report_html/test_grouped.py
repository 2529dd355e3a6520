"""The HTML report of a big cluster: pods drawn as workloads or namespaces, the edges between
them agreeing with the pod-level flows, and the page saying what it aggregated."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import yaml

from netfence.engine import Engine, PortSet
from netfence.inputs import read_inputs
from netfence.model import PROTOCOLS, Endpoint
from netfence.report.diff_lines import ports_label
from netfence.report.html_data import report_data
from netfence.report.html_groups import DRAWN_LIMIT, OUTSIDE, RANGES_LIMIT, drawn_level


def _pods(count: int, workloads: int) -> list[Endpoint]:
    return [
        Endpoint(namespace=f"ns{k % 3}", name=f"p{k}", workload=f"Deployment/w{k % workloads}")
        for k in range(count)
    ]


def test_small_clusters_are_drawn_pod_by_pod_and_big_ones_aggregated() -> None:
    assert drawn_level(_pods(DRAWN_LIMIT, DRAWN_LIMIT)) == "pod"
    assert drawn_level(_pods(DRAWN_LIMIT + 1, 40)) == "workload"
    assert drawn_level(_pods(DRAWN_LIMIT + 1, DRAWN_LIMIT + 1)) == "namespace"
    assert drawn_level(_pods(3, 3), "namespace") == "namespace"


def edges_of(data: dict) -> list[dict]:
    """An aggregated page's edge columns as one record per edge (as the page expands them)."""
    columns, nodes = data["edges"], data["nodes"]
    return [
        {
            "source": nodes[source]["id"],
            "target": nodes[columns["target"][k]]["id"],
            "ports": columns["labels"][columns["ports"][k]],
            "pairs": columns["pairs"][k],
            "of": columns["of"][k],
        }
        for k, source in enumerate(columns["source"])
    ]


def _grouped_expectation(
    engine: Engine, group_of: dict[str, str]
) -> dict[tuple[str, str], tuple[str, int, int]]:
    """From the pod-level connections: per group pair, the ports label of the union, the pod
    pairs allowed and the distinct pod pairs."""
    nodes = [*engine.endpoints, *engine.externals]
    ports: dict[tuple[str, str], dict[str, PortSet]] = defaultdict(
        lambda: {p: PortSet() for p in PROTOCOLS}
    )
    allowed: dict[tuple[str, str], int] = defaultdict(int)
    total: dict[tuple[str, str], int] = defaultdict(int)
    for src in nodes:
        for dst in nodes:
            if src is dst:
                continue
            key = (group_of.get(src.id, src.id), group_of.get(dst.id, dst.id))
            total[key] += 1
            connections = engine.connections(src, dst)
            if any(not s.is_empty for s in connections.values()):
                allowed[key] += 1
                ports[key] = {p: ports[key][p] | connections[p] for p in PROTOCOLS}
    return {k: (ports_label(ports[k]), allowed[k], total[k]) for k in allowed}


def test_grouped_edges_agree_with_the_pod_level_flows(guide_dir: Path) -> None:
    inputs = read_inputs([str(guide_dir)])
    engine = Engine(inputs.cluster)
    pods = report_data(engine, [], inputs.documents, "guide")
    assert "aggregation" not in pods  # a small cluster's page is drawn pod by pod
    for level, key in (("workload", Endpoint.workload_id), ("namespace", None)):
        group_of = {e.id: key.fget(e) if key else e.namespace for e in engine.endpoints}
        data = report_data(engine, [], inputs.documents, "guide", group=level)  # type: ignore[arg-type]
        edges = edges_of(data)
        got = {(e["source"], e["target"]): (e["ports"], e["pairs"], e["of"]) for e in edges}
        assert got == _grouped_expectation(engine, group_of)
        drawn = {n["id"] for n in data["nodes"] if not n["external"]}
        assert drawn == set(group_of.values())
        members = sorted(m for n in data["nodes"] if not n["external"] for m in n["members"])
        assert members == sorted(e.name for e in engine.endpoints)
        assert data["aggregation"]["level"] == level
        assert data["aggregation"]["groups"] == len(drawn)
        assert data["summary"] == {**pods["summary"], "flows": len(edges)}
        assert data["findings"] == pods["findings"] and data["policies"] == pods["policies"]


def _egress_to(namespace: str, ranges: int) -> dict:
    """Egress of the namespace's pods to ``ranges`` addresses, one external range each."""
    blocks = [{"ipBlock": {"cidr": f"192.0.{k // 250}.{k % 250 + 1}/32"}} for k in range(ranges)]
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": "egress", "namespace": namespace},
        "spec": {"podSelector": {}, "policyTypes": ["Egress"], "egress": [{"to": blocks}]},
    }


def big_cluster(
    folder: Path, pods: int, workloads: int = 0, ranges: int = 0, extra: int = 0
) -> None:
    """``pods`` pods in four namespaces (bare, or of ``workloads`` ReplicaSets), a default
    deny and one allow to the web pods in each; with ``ranges``, team-0's pods may reach
    that many addresses outside (and nothing else); ``extra`` more policies per namespace
    that select no pod."""
    docs: list[dict] = [_egress_to("team-0", ranges)] if ranges else []
    for k in range(extra * 4):
        unused = _egress_to(f"team-{k % 4}", 1)
        unused["metadata"]["name"] = f"unused-{k}"
        unused["spec"]["podSelector"] = {"matchLabels": {"app": "none"}}
        docs.append(unused)
    for n in range(4):
        name = f"team-{n}"
        docs.append({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
        docs.append(
            {
                "apiVersion": "networking.k8s.io/v1",
                "kind": "NetworkPolicy",
                "metadata": {"name": "deny", "namespace": name},
                "spec": {"podSelector": {}, "policyTypes": ["Ingress"]},
            }
        )
        docs.append(
            {
                "apiVersion": "networking.k8s.io/v1",
                "kind": "NetworkPolicy",
                "metadata": {"name": "web", "namespace": name},
                "spec": {
                    "podSelector": {"matchLabels": {"app": "web"}},
                    "ingress": [{"from": [{"namespaceSelector": {}}], "ports": [{"port": 80}]}],
                },
            }
        )
    for k in range(pods):
        metadata = {
            "name": f"pod-{k}",
            "namespace": f"team-{k % 4}",
            "labels": {"app": "web" if k % 5 == 0 else "job"},
        }
        if workloads:
            owner = {"apiVersion": "apps/v1", "kind": "ReplicaSet", "uid": "u", "controller": True}
            metadata["ownerReferences"] = [{**owner, "name": f"rs-{k % workloads}"}]
        docs.append(
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": metadata,
                "spec": {"containers": [{"name": "c", "image": "i"}]},
                "status": {"podIP": f"10.1.{k // 250}.{k % 250 + 1}"},
            }
        )
    (folder / "cluster.yaml").write_text(yaml.safe_dump_all(docs))


def test_a_big_cluster_is_aggregated_by_namespace(tmp_path: Path) -> None:
    big_cluster(tmp_path, DRAWN_LIMIT + 40)
    inputs = read_inputs([str(tmp_path)])
    engine = Engine(inputs.cluster)
    data = report_data(engine, [], inputs.documents, "big")
    pods = range(DRAWN_LIMIT + 40)
    web = {f"team-{n}": sum(k % 4 == n and k % 5 == 0 for k in pods) for n in range(4)}
    assert data["aggregation"]["level"] == "namespace"
    assert data["summary"]["endpoints"] == DRAWN_LIMIT + 40
    edges = {(e["source"], e["target"]): e for e in edges_of(data) if e["target"] in web}
    # in the cluster, every pod reaches every web pod on 80, and nothing else is allowed in
    assert set(edges) == {(a, b) for a in web for b in web}
    assert all(e["ports"] == "TCP 80" for e in edges.values())
    size = (DRAWN_LIMIT + 40) // 4
    assert edges[("team-0", "team-1")]["pairs"] == size * web["team-1"]
    assert edges[("team-0", "team-0")]["pairs"] == size * web["team-0"] - web["team-0"]


def test_many_external_ranges_are_one_node(tmp_path: Path) -> None:
    big_cluster(tmp_path, DRAWN_LIMIT + 40, ranges=RANGES_LIMIT + 10)
    inputs = read_inputs([str(tmp_path)])
    engine = Engine(inputs.cluster)
    data = report_data(engine, [], inputs.documents, "big")
    (outside,) = [n for n in data["nodes"] if n["external"]]
    assert outside["id"] == OUTSIDE
    # the 60 addresses, and the rest of IPv4 and IPv6 that the other namespaces may reach
    assert len(outside["members"]) == RANGES_LIMIT + 10 + 2
    assert data["summary"]["externals"] == len(outside["members"])
    edges = {(e["source"], e["target"]): e for e in edges_of(data)}
    size = (DRAWN_LIMIT + 40) // 4
    assert edges[("team-0", OUTSIDE)]["ports"] == "all"
    assert edges[("team-0", OUTSIDE)]["pairs"] == size * (RANGES_LIMIT + 10)
    assert edges[("team-1", OUTSIDE)]["pairs"] == size * len(outside["members"])
    assert not [pair for pair in edges if pair[0] == OUTSIDE]  # web pods admit pods only
