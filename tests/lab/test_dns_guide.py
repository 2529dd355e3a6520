"""DNS records and the guide's scenarios, built on the model (no root needed)."""

from __future__ import annotations

from pathlib import Path

from netfence.inputs import read_inputs
from netfence.lab.addresses import with_lab_addresses
from netfence.lab.dns import dns_endpoint, hosts_text, records, resolv_conf, with_dns_endpoint
from netfence.lab.guide import GUIDE_URL, literal_scenarios


def test_guide_names_resolve_to_pod_ips(guide_dir: Path) -> None:
    cluster = read_inputs([str(guide_dir)]).cluster
    names = records(cluster)
    vllm = cluster.endpoint("ai-inference/vllm-0")
    assert vllm is not None
    assert names["vllm.ai-inference.svc.cluster.local"] == list(vllm.ips)
    assert names["vllm-0.ai-inference.svc.cluster.local"] == list(vllm.ips)
    assert "10-244-1-10.ai-inference.pod.cluster.local" in hosts_text(names)


def test_a_dns_endpoint_is_added_only_when_none_exists(guide_dir: Path) -> None:
    cluster = read_inputs([str(guide_dir)]).cluster
    assert with_dns_endpoint(cluster) is cluster
    bare = with_lab_addresses(with_dns_endpoint(type(cluster)()))
    server = dns_endpoint(bare)
    assert server is not None and server.id == "kube-system/kube-dns"
    assert "nameserver" in resolv_conf("default", server.ips[0])


def test_literal_scenarios_follow_the_guide(guide_dir: Path) -> None:
    scenarios = literal_scenarios(read_inputs([str(guide_dir)]).cluster)
    first = scenarios[0].steps[0]
    assert first.source == "default/test-pod" and first.url == GUIDE_URL
    assert first.command[:2] == ("wget", "-qO-") and first.expect == "timeout"
    labelled = scenarios[1].cluster.namespace_labels("gateway")
    assert labelled["purpose"] == "gateway"
    assert all(p.name != "allow-dns" for p in scenarios[2].cluster.policies)
    assert scenarios[2].steps[0].expect == "dns-failure"
