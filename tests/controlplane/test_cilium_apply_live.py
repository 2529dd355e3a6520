"""Apply, snapshot and verify of Cilium kinds against a real kube-apiserver serving the TEST
CRDs of ``fixtures/cilium-test-crds.yaml`` (not Cilium's: minimal and structural, with
CiliumCIDRGroup at v2alpha1 as in Cilium 1.17, so a cilium.io/v2 CIDR group must be refused).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import run_cli
from tests.controlplane.plane import ControlPlane

pytestmark = pytest.mark.controlplane

CRDS = Path(__file__).parent / "fixtures" / "cilium-test-crds.yaml"
NAMESPACE = "cilium-live"


OBJECTS = (
    f"/apis/cilium.io/v2/namespaces/{NAMESPACE}/ciliumnetworkpolicies/agent-fqdn",
    "/apis/cilium.io/v2/ciliumclusterwidenetworkpolicies/live-deny-metadata",
    "/apis/cilium.io/v2alpha1/ciliumcidrgroups/live-metadata",
)


@pytest.fixture
def cilium_crds(control_plane: ControlPlane) -> Iterator[None]:
    """The test CRDs; the objects a test wrote are deleted after it (the control plane is
    shared, and other tests' verdicts must not see them)."""
    crds = list(yaml.safe_load_all(CRDS.read_text()))
    for crd in crds:
        control_plane.apply_object(crd)
    for crd in crds:
        control_plane.wait_for_crd(crd["metadata"]["name"])
    yield
    for path in OBJECTS:
        control_plane.request("DELETE", path, expect=None)


def _manifests() -> list[dict[str, Any]]:
    dns = {
        "toEndpoints": [{"matchLabels": {"k8s:io.kubernetes.pod.namespace": "kube-system"}}],
        "toPorts": [
            {
                "ports": [{"port": "53", "protocol": "ANY"}],
                "rules": {"dns": [{"matchPattern": "*"}]},
            }
        ],
    }
    fqdn = {
        "toFQDNs": [{"matchName": "api.openai.com"}],
        "toPorts": [{"ports": [{"port": "443", "protocol": "TCP"}]}],
    }
    return [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NAMESPACE}},
        {
            "apiVersion": "cilium.io/v2",
            "kind": "CiliumNetworkPolicy",
            "metadata": {"name": "agent-fqdn", "namespace": NAMESPACE},
            "spec": {"endpointSelector": {"matchLabels": {"app": "agent"}}, "egress": [dns, fqdn]},
        },
        {
            "apiVersion": "cilium.io/v2",
            "kind": "CiliumClusterwideNetworkPolicy",
            "metadata": {"name": "live-deny-metadata"},
            "spec": {
                "endpointSelector": {},
                "egressDeny": [{"toCIDRSet": [{"cidrGroupRef": "live-metadata"}]}],
            },
        },
        {
            "apiVersion": "cilium.io/v2alpha1",
            "kind": "CiliumCIDRGroup",
            "metadata": {"name": "live-metadata"},
            "spec": {"externalCIDRs": ["169.254.169.254/32"]},
        },
    ]


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "cilium"
    folder.mkdir()
    (folder / "all.yaml").write_text(yaml.safe_dump_all(_manifests()))
    return folder


def test_cilium_objects_are_applied_as_netfence_then_unchanged_and_snapshotted(
    control_plane: ControlPlane, cilium_crds: None, tmp_path: Path
) -> None:
    folder = _folder(tmp_path)
    config = ("--kubeconfig", str(control_plane.kubeconfig))
    dry = run_cli("apply", str(folder), *config, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    path = f"/apis/cilium.io/v2/namespaces/{NAMESPACE}/ciliumnetworkpolicies/agent-fqdn"
    assert control_plane.request("GET", path, expect=None)[0] == 404  # a dry run writes nothing
    result = run_cli("apply", str(folder), *config, "--yes")
    assert result.returncode == 0, result.stderr
    status, stored = control_plane.request("GET", path)
    assert status == 200 and stored["spec"]["egress"][1]["toFQDNs"] == [
        {"matchName": "api.openai.com"}
    ]
    assert [m["manager"] for m in stored["metadata"]["managedFields"]] == ["netfence"]
    group = control_plane.request("GET", "/apis/cilium.io/v2alpha1/ciliumcidrgroups/live-metadata")
    assert group[1]["spec"] == {"externalCIDRs": ["169.254.169.254/32"]}
    again = run_cli("apply", str(folder), *config, "--yes")
    assert again.returncode == 0, again.stderr
    assert "nothing to change" in again.stdout
    snapshot = run_cli("snapshot", *config)
    assert snapshot.returncode == 0, snapshot.stderr
    assert "CiliumCIDRGroup (cilium.io/v2alpha1)" in snapshot.stderr
    kinds = {(d["kind"], d["metadata"]["name"]) for d in yaml.safe_load_all(snapshot.stdout) if d}
    assert {
        ("CiliumNetworkPolicy", "agent-fqdn"),
        ("CiliumClusterwideNetworkPolicy", "live-deny-metadata"),
        ("CiliumCIDRGroup", "live-metadata"),
    } <= kinds
    verified = run_cli("verify", str(folder), *config)
    assert verified.returncode == 0, verified.stdout + verified.stderr


def test_a_cidr_group_of_a_version_not_served_is_refused(
    control_plane: ControlPlane, cilium_crds: None, tmp_path: Path
) -> None:
    group = {
        "apiVersion": "cilium.io/v2",
        "kind": "CiliumCIDRGroup",
        "metadata": {"name": "live-other"},
        "spec": {"externalCIDRs": ["192.0.2.0/24"]},
    }
    folder = tmp_path / "v2"
    folder.mkdir()
    (folder / "group.yaml").write_text(yaml.safe_dump(group))
    result = run_cli("apply", str(folder), "--kubeconfig", str(control_plane.kubeconfig), "--yes")
    assert result.returncode == 3
    (line,) = result.stderr.strip().splitlines()
    assert "does not serve CiliumCIDRGroup as cilium.io/v2" in line
