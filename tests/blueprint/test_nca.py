"""The generated ai-mesh set, analysed by network-config-analyzer on the guide's cluster:
the connections involving the mesh are exactly the declared flows plus DNS."""

from __future__ import annotations

import ipaddress
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from netfence.blueprint import builtin, generate
from netfence.blueprint.render import KUSTOMIZATION
from netfence.blueprint.schema import METADATA_ADDRESSES
from netfence.engine import IPSet

pytestmark = pytest.mark.peer

MESH = ("gateway", "ai-inference", "ai-agents", "ai-data")
DNS = "{protocols:TCP, UDP,dst_ports:53}"
EXPECTED_PODS = {
    ("gateway/gateway-0", "ai-inference/vllm-0", "{protocols:TCP,dst_ports:8000}"),
    ("ai-inference/vllm-0", "ai-data/minio-0", "{protocols:TCP,dst_ports:443}"),
    ("ai-agents/ai-agent-0", "ai-agents/weaviate-0", "{protocols:TCP,dst_ports:8080}"),
    *{
        (pod, "kube-system/coredns-0", DNS)
        for pod in (
            "gateway/gateway-0",
            "ai-inference/vllm-0",
            "ai-data/minio-0",
            "ai-agents/ai-agent-0",
            "ai-agents/weaviate-0",
        )
    },
}
LINE = re.compile(r"^(\S+) => (\S+) : (.+)$")


def _range(text: str) -> IPSet:
    lo, _, hi = text.partition("-")
    first, last = ipaddress.ip_address(lo), ipaddress.ip_address(hi or lo)
    return IPSet.of(ipaddress.summarize_address_range(first, last))  # type: ignore[arg-type]


def _in_mesh(endpoint: str) -> bool:
    return endpoint.split("/")[0] in MESH


def test_nca_sees_exactly_the_declared_flows(nca: str, tmp_path: Path, guide_dir: Path) -> None:
    for name, text in generate(builtin()).files().items():
        if name != KUSTOMIZATION:
            (tmp_path / name).write_text(text)
    shutil.copy(guide_dir / "00-cluster.yaml", tmp_path)
    command = ["--connectivity", "-r", str(tmp_path), "--output_endpoints", "pods"]
    result = subprocess.run(
        [nca, *command, "-o", "txt_no_fw_rules"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    lines = [m.groups() for m in map(LINE.match, result.stdout.splitlines()) if m]
    assert lines, result.stdout + result.stderr
    mesh = [line for line in lines if _in_mesh(line[0]) or _in_mesh(line[1])]
    pods = {line for line in mesh if "/" in line[0] and "/" in line[1] and ":" not in line[1]}
    assert pods == EXPECTED_PODS
    outbound = [line for line in mesh if line not in pods and _in_mesh(line[0])]
    assert {(src, conns) for src, _, conns in outbound} == {
        ("ai-agents/ai-agent-0", "{protocols:TCP,dst_ports:443}")
    }
    reached = IPSet()
    for _, target, _ in outbound:
        reached = reached | _range(target)
    excluded = builtin().externals["tool-apis"].excepts
    assert reached == IPSet.everything() - IPSet.of(excluded)
    inbound = [line for line in mesh if line not in pods and line not in outbound]
    assert {(dst, conns) for _, dst, conns in inbound} == {
        ("gateway/gateway-0", "{protocols:TCP,dst_ports:8080}")
    }
    clients = IPSet()
    for source, _, _ in inbound:
        clients = clients | _range(source)
    bp = builtin()
    cluster = IPSet.of([*bp.cluster.pod_cidrs, *bp.cluster.service_cidrs])
    assert clients == IPSet.everything() - cluster - IPSet.of(METADATA_ADDRESSES)
