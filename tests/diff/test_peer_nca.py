"""``netfence diff`` against network-config-analyzer's semantic diff, connection by connection.

nca never lets an ipBlock match pod IPs, so netfence runs with ``--ipblock-pods ignore``.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from netfence.blueprint import builtin, generate
from netfence.cli.app import app
from tests.diff.canonical import from_nca, from_netfence

FIXTURES = Path(__file__).parent / "fixtures"

pytestmark = pytest.mark.peer


def pod_ids(cluster_file: Path) -> list[str]:
    return [
        f"{d['metadata']['namespace']}/{d['metadata']['name']}"
        for d in yaml.safe_load_all(cluster_file.read_text())
        if d and d["kind"] == "Pod"
    ]


def nca_diff(
    nca: str, out: Path, *, old: Path, new: Path, pods: Path, old_ns: Path, new_ns: Path
) -> Any:
    """nca's semantic diff of two policy sets on the same pods, as parsed JSON."""
    result = out / "nca.json"
    subprocess.run(
        [nca, "--semantic_diff", str(new), "--ns_list", str(new_ns), "--pod_list", str(pods),
         "--base_np_list", str(old), "--base_ns_list", str(old_ns), "--base_pod_list", str(pods),
         "-o", "json", "-f", str(result)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    return json.loads(result.read_text())


def netfence_diff(old: str, new: str) -> Any:
    result = CliRunner().invoke(
        app, ["diff", old, new, "--ipblock-pods", "ignore", "--format", "json"]
    )
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_fixture_pair_matches_nca(nca: str, tmp_path: Path) -> None:
    cluster = FIXTURES / "old" / "cluster.yaml"
    theirs = nca_diff(
        nca, tmp_path, old=FIXTURES / "old" / "policies.yaml", new=FIXTURES / "new",
        pods=cluster, old_ns=cluster, new_ns=cluster,
    )  # fmt: skip
    mine = netfence_diff(str(FIXTURES / "old"), str(FIXTURES / "new"))
    assert from_netfence(mine) == from_nca(theirs, pod_ids(cluster))
    assert mine["added"] and mine["removed"]


def test_guide_against_generated_ai_mesh_matches_nca(
    nca: str, guide_dir: Path, tmp_path: Path
) -> None:
    """The guide's literal manifests against the generated ai-mesh set, on the guide's pods."""
    generated = tmp_path / "ai-mesh"
    generated.mkdir()
    for name, text in generate(builtin("ai-mesh")).files().items():
        (generated / name).write_text(text)
    manifests = generate(builtin("ai-mesh")).manifests()
    cluster = guide_dir / "00-cluster.yaml"
    declared = {m["metadata"]["name"] for m in manifests if m["kind"] == "Namespace"}
    guide_namespaces = [
        d for d in yaml.safe_load_all(cluster.read_text()) if d and d["kind"] == "Namespace"
    ]
    new_ns = tmp_path / "namespaces.yaml"
    new_ns.write_text(
        yaml.safe_dump_all(
            [m for m in manifests if m["kind"] == "Namespace"]
            + [d for d in guide_namespaces if d["metadata"]["name"] not in declared]
        )
    )
    new_policies = tmp_path / "policies.yaml"
    new_policies.write_text(
        yaml.safe_dump_all([m for m in manifests if m["kind"] == "NetworkPolicy"])
    )
    theirs = nca_diff(
        nca, tmp_path, old=guide_dir, new=new_policies, pods=cluster, old_ns=cluster,
        new_ns=new_ns,
    )  # fmt: skip
    mine = netfence_diff(str(guide_dir), str(generated))
    assert from_netfence(mine) == from_nca(theirs, pod_ids(cluster))
    added = {(c["from"], c["to"], c["protocol"]) for c in mine["added"]}
    assert ("gateway/gateway-0", "ai-inference/vllm-0", "TCP") in added
