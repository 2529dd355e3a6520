"""A live-cluster snapshot (server-set fields, defaults, status) validates and models."""

from __future__ import annotations

from pathlib import Path

from netfence.inputs import read_inputs
from netfence.load import Limits, load_text
from netfence.model import build_cluster

FIXTURES = Path(__file__).parent / "fixtures"


def test_live_snapshot_is_valid_and_modelled() -> None:
    inputs = read_inputs([str(FIXTURES / "live-snapshot.yaml")])
    assert inputs.problems == []
    cluster = inputs.cluster
    assert [e.id for e in cluster.endpoints] == [
        "ai-inference/vllm-7d4b9c-x2k4q",
        "ai-inference/vllm",
    ]
    assert [str(ip) for ip in cluster.endpoints[0].ips] == ["10.244.1.10", "fd00:10:244:1::a"]
    (policy,) = cluster.policies
    assert policy.policy_types == frozenset({"ingress", "egress"})
    assert [str(p) for p in policy.ingress[0].ports] == ["8000/TCP", "9000-9100/TCP"]


def test_legacy_cidrs_are_rejected_but_modelled_as_the_apiserver_reads_them(tmp_path: Path) -> None:
    path = tmp_path / "legacy.yaml"
    path.write_text(
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: np}\n"
        "spec:\n  egress:\n  - to:\n    - podSelector: null\n"
        "      ipBlock: {cidr: 010.1.2.3/08, except: [010.1.0.0/16]}\n"
    )
    # kube-apiserver v1.37 rejects such values on create (strict CIDR checks)...
    inputs = read_inputs([str(path)])
    assert [p.field for p in inputs.problems] == [
        "spec.egress[0].to[0].ipBlock.cidr",
        "spec.egress[0].to[0].ipBlock.except[0]",
    ]
    # ...but objects stored before keep them, and the model reads them as the server does.
    loaded = load_text(path.read_text(), str(path), "default", Limits())
    (peer,) = build_cluster(loaded.documents).policies[0].egress[0].peers
    assert peer.pod_selector is None
    assert peer.ip_block is not None
    assert (str(peer.ip_block.cidr), [str(e) for e in peer.ip_block.excepts]) == (
        "10.0.0.0/8",
        ["10.1.0.0/16"],
    )
