"""Workload templates (no pod IPs) under ipBlocks: analyze, explain and diff end to end."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from netfence.cli.app import app
from netfence.cluster.tiers import clean_node

WORKLOADS = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx, ports: [{containerPort: 80}]}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
spec:
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: db, image: pg, ports: [{containerPort: 5432}]}]
"""
DENY_ALL = """\
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-egress, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Egress]
"""


def ingress_from(cidr: str) -> str:
    return f"""\
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: db-in, namespace: shop}}
spec:
  podSelector: {{matchLabels: {{app: db}}}}
  policyTypes: [Ingress]
  ingress:
  - from: [{{ipBlock: {{cidr: {cidr}}}}}]
"""


def egress_to(cidr: str) -> str:
    return f"""\
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: web-out, namespace: shop}}
spec:
  podSelector: {{matchLabels: {{app: web}}}}
  policyTypes: [Egress]
  egress:
  - to: [{{ipBlock: {{cidr: {cidr}}}}}]
"""


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def write(folder: Path, text: str) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "all.yaml").write_text(text)
    return str(folder)


def test_analyze_text_marks_cells_that_depend_on_the_address(tmp_path: Path) -> None:
    path = write(tmp_path / "in", WORKLOADS + ingress_from("10.244.0.0/17"))
    code, out, err = run("analyze", path, "--port", "5432")
    assert code == 0, err
    row = next(line for line in out.splitlines() if line.strip().startswith("2 web"))
    assert row.split()[2] == "?*"  # web -> db; the ignore reading blocks it
    assert "? depends on the address" in out
    assert "pod CIDR 10.244.0.0/16 (default: not given, not in the input)" in out
    assert "without an IP are read as having an address in the pod CIDR" in err
    # a pod CIDR the ipBlock holds whole: allowed, no ?
    code, out, _ = run("analyze", path, "--port", "5432", "--pod-cidr", "10.244.0.0/18")
    row = next(line for line in out.splitlines() if line.strip().startswith("2 web"))
    assert row.split()[2] == "●*" and "depends on the address" not in out


def test_analyze_json_has_depends_on_address_on_the_cell(tmp_path: Path) -> None:
    path = write(tmp_path / "in", WORKLOADS + ingress_from("10.244.0.0/17"))
    code, out, err = run("analyze", path, "--port", "5432", "-f", "json")
    assert code == 0, err
    document = json.loads(out)
    assert document["pod_cidr"] == {"cidrs": ["10.244.0.0/16"], "source": "default"}
    assert document["depends_on_address"] is True
    cells = {(c["from"], c["to"]): c for c in document["queries"][0]["matrix"]}
    assert cells[("shop/web", "shop/db")] == {
        "from": "shop/web",
        "to": "shop/db",
        "allowed": False,
        "depends_on_address": True,
        "ipblock_reading_decided": True,
    }
    assert "depends_on_address" not in cells[("shop/db", "shop/web")]
    code, out, _ = run("analyze", path, "-f", "json", "--pod-cidr", "fd00::/64")
    assert "pod_cidr" not in json.loads(out)  # no CIDR reaches into it: nothing rests on it


def test_explain_says_where_the_address_allows_it(tmp_path: Path) -> None:
    path = write(tmp_path / "in", WORKLOADS + ingress_from("10.244.0.0/17"))
    code, out, err = run("explain", path, "shop/web", "shop/db", "5432")
    assert code == 0, err
    assert out.startswith("shop/web -> shop/db on 5432/TCP: DEPENDS ON THE ADDRESS\n")
    assert (
        "depends on the pod's address: allowed if shop/web's address is in 10.244.0.0/17 "
        "through ipBlock 10.244.0.0/17 (shop/db-in ingress[0]), blocked otherwise "
        "(pod CIDR 10.244.0.0/16 (default: not given, not in the input); "
        "ipBlocks read with --ipblock-pods=match)"
    ) in out
    assert "where allowed, ingress of shop/db: isolated by shop/db-in; admitted by" in out


def test_explain_a_whole_pod_cidr_block_allows_and_says_so(tmp_path: Path) -> None:
    path = write(tmp_path / "in", WORKLOADS + ingress_from("0.0.0.0/0"))
    _, out, _ = run("explain", path, "shop/web", "shop/db", "5432")
    assert out.startswith("shop/web -> shop/db on 5432/TCP: ALLOWED\n")
    assert (
        "note: shop/web has no IP: read as having an address in the pod CIDR 10.244.0.0/16" in out
    )
    _, out, _ = run("explain", path, "shop/web", "shop/db", "5432", "--ipblock-pods", "ignore")
    assert out.startswith("shop/web -> shop/db on 5432/TCP: BLOCKED\n")


def test_diff_fails_on_egress_opened_to_everywhere_between_workload_templates(
    tmp_path: Path,
) -> None:
    old = write(tmp_path / "old", WORKLOADS + DENY_ALL)
    new = write(tmp_path / "new", WORKLOADS + DENY_ALL + egress_to("0.0.0.0/0"))
    code, out, err = run("diff", old, new, "--fail-on-new-egress")
    assert code == 1, err
    assert "+ shop/web -> shop/db" in out  # in-cluster: the db's address is in 0.0.0.0/0
    assert "depends on the pod's address" not in out


def test_diff_counts_a_cell_that_now_depends_on_the_address_as_a_new_allow(
    tmp_path: Path,
) -> None:
    old = write(tmp_path / "old", WORKLOADS + DENY_ALL)
    new = write(tmp_path / "new", WORKLOADS + DENY_ALL + egress_to("10.244.0.0/17"))
    code, out, err = run("diff", old, new, "--fail-on-new-egress")
    assert code == 1, err
    line = next(x for x in out.splitlines() if x.startswith("+ shop/web -> shop/db"))
    assert line.endswith("all (? depends on the pod's address)")
    assert "note: 2 endpoint(s) without an IP" in out
    _, out, _ = run("diff", old, new, "-f", "json")
    added = [c for c in json.loads(out)["added"] if c["to"] == "shop/db"]
    assert added and all(c["depends_on_address"] for c in added)
    # with a pod CIDR the new egress does not reach, nothing in the cluster opens
    _, out, _ = run("diff", old, new, "--pod-cidr", "172.16.0.0/16")
    assert "shop/web -> shop/db" not in out


def test_a_bad_pod_cidr_is_one_line_and_exit_2(tmp_path: Path) -> None:
    path = write(tmp_path / "in", WORKLOADS)
    code, _, err = run("analyze", path, "--pod-cidr", "10.244.0.0/33")
    assert code == 2
    assert (
        err.strip().splitlines()
        == ["error: --pod-cidr: '10.244.0.0/33' does not appear to be an IPv4 or IPv6 network"]
        or "--pod-cidr" in err.strip().splitlines()[0]
    )


def test_the_pod_cidr_of_the_input_nodes_is_used(tmp_path: Path) -> None:
    nodes = """\
---
apiVersion: v1
kind: Node
metadata: {name: n1}
spec: {podCIDRs: [10.1.0.0/24, "fd00:1::/64"]}
"""
    path = write(tmp_path / "in", WORKLOADS + ingress_from("10.1.0.0/24") + nodes)
    _, out, _ = run("explain", path, "shop/web", "shop/db", "5432")
    assert "ALLOWED" in out.splitlines()[0]  # the IPv4 address is always in 10.1.0.0/24
    assert "pod CIDR 10.1.0.0/24, fd00:1::/64 (the input's Nodes, spec.podCIDRs)" in out


def test_snapshot_keeps_the_nodes_pod_cidrs() -> None:
    node = {
        "metadata": {"name": "n1", "uid": "x"},
        "spec": {"podCIDR": "10.1.0.0/24", "podCIDRs": ["10.1.0.0/24"], "taints": []},
        "status": {"addresses": [{"type": "InternalIP", "address": "192.0.2.7"}]},
    }
    assert clean_node(node)["spec"] == {"podCIDR": "10.1.0.0/24", "podCIDRs": ["10.1.0.0/24"]}
    assert "spec" not in clean_node({"metadata": {"name": "n2"}})


def test_analyze_csv_adds_the_depends_column_only_when_a_cell_depends(tmp_path: Path) -> None:
    path = write(tmp_path / "in", WORKLOADS + ingress_from("10.244.0.0/17"))
    _, out, _ = run("analyze", path, "--port", "5432", "-f", "csv")
    lines = out.splitlines()
    assert lines[0].endswith(",ipblock_reading_decided,depends_on_address")
    assert "5432,TCP,shop/web,shop/db,false,true,true" in lines
    _, out, _ = run("analyze", path, "--port", "5432", "-f", "csv", "--pod-cidr", "10.244.0.0/18")
    assert out.splitlines()[0].endswith(",ipblock_reading_decided")


def test_a_bad_node_pod_cidr_is_one_line(tmp_path: Path) -> None:
    node = "---\napiVersion: v1\nkind: Node\nmetadata: {name: n1}\nspec: {podCIDRs: [10.1.0.0]}\n"
    path = write(tmp_path / "in", WORKLOADS + node)
    code, _, err = run("analyze", path)
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].endswith(
        'Node/n1: spec.podCIDRs[0]: Invalid value: "10.1.0.0": must be a valid CIDR value, '
        "(e.g. 10.9.8.0/24 or 2001:db8::/64)"
    )
