"""Apply of Calico kinds against a real kube-apiserver serving ``crd.projectcalico.org/v1``.

Calico's CRD YAML is not shipped here: the CustomResourceDefinitions below are TEST CRDs,
minimal and structural (names and scopes as Calico's, specs kept as given), written for these
tests only. They make the server store Calico objects under the CRDs' group; Calico's API
server (``projectcalico.org/v3``) stays unserved, so applying v3 objects must be refused.
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

GROUP = "crd.projectcalico.org"
TEST_CRDS = {  # kind: (plural, scope)
    "Tier": ("tiers", "Cluster"),
    "GlobalNetworkPolicy": ("globalnetworkpolicies", "Cluster"),
    "NetworkPolicy": ("networkpolicies", "Namespaced"),
    "GlobalNetworkSet": ("globalnetworksets", "Cluster"),
    "NetworkSet": ("networksets", "Namespaced"),
}


def _test_crd(kind: str, plural: str, scope: str) -> dict[str, Any]:
    """A minimal structural test CRD (not Calico's): spec is kept as sent."""
    schema = {
        "type": "object",
        "properties": {
            "spec": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
        },
    }
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": f"{plural}.{GROUP}"},
        "spec": {
            "group": GROUP,
            "scope": scope,
            "names": {"kind": kind, "plural": plural, "singular": kind.lower()},
            "versions": [
                {
                    "name": "v1",
                    "served": True,
                    "storage": True,
                    "schema": {"openAPIV3Schema": schema},
                }
            ],
        },
    }


# What the tests write; deleted after each (the control plane is shared, and the other live
# tests' verify must not see these objects as drift).
OBJECTS = (
    f"/apis/{GROUP}/v1/namespaces/calico-live/networkpolicies/allow-web",
    f"/apis/{GROUP}/v1/tiers/platform-live",
)


@pytest.fixture
def calico_crds(control_plane: ControlPlane) -> Iterator[None]:
    for kind, (plural, scope) in TEST_CRDS.items():
        control_plane.apply_object(_test_crd(kind, plural, scope))
    for plural, _ in TEST_CRDS.values():
        control_plane.wait_for_crd(f"{plural}.{GROUP}")
    yield
    for path in OBJECTS:
        control_plane.request("DELETE", path, expect=None)


def _folder(tmp_path: Path, api_version: str) -> Path:
    namespace = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "calico-live"}}
    policy = {
        "apiVersion": api_version,
        "kind": "NetworkPolicy",
        "metadata": {"name": "allow-web", "namespace": "calico-live"},
        "spec": {"selector": "app == 'web'", "ingress": [{"action": "Allow"}]},
    }
    tier = {
        "apiVersion": api_version,
        "kind": "Tier",
        "metadata": {"name": "platform-live"},
        "spec": {"order": 100},
    }
    folder = tmp_path / api_version.replace("/", "-")
    folder.mkdir()
    (folder / "all.yaml").write_text(yaml.safe_dump_all([namespace, tier, policy]))
    return folder


def test_crd_group_objects_are_applied_as_netfence_then_unchanged(
    control_plane: ControlPlane, calico_crds: None, tmp_path: Path
) -> None:
    folder = _folder(tmp_path, f"{GROUP}/v1")
    config = ("--kubeconfig", str(control_plane.kubeconfig))
    dry = run_cli("apply", str(folder), *config, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    path = f"/apis/{GROUP}/v1/namespaces/calico-live/networkpolicies/allow-web"
    assert control_plane.request("GET", path, expect=None)[0] == 404  # a dry run writes nothing
    result = run_cli("apply", str(folder), *config, "--yes")
    assert result.returncode == 0, result.stderr
    status, stored = control_plane.request("GET", path)
    assert status == 200 and stored["spec"]["selector"] == "app == 'web'"
    assert [m["manager"] for m in stored["metadata"]["managedFields"]] == ["netfence"]
    tier = control_plane.request("GET", f"/apis/{GROUP}/v1/tiers/platform-live")[1]
    assert tier["spec"] == {"order": 100}
    again = run_cli("apply", str(folder), *config, "--yes")
    assert again.returncode == 0, again.stderr
    assert "nothing to change" in again.stdout


def test_v3_objects_are_refused_without_calicos_api_server(
    control_plane: ControlPlane, calico_crds: None, tmp_path: Path
) -> None:
    folder = _folder(tmp_path, "projectcalico.org/v3")
    result = run_cli("apply", str(folder), "--kubeconfig", str(control_plane.kubeconfig), "--yes")
    assert result.returncode == 3
    (line,) = result.stderr.strip().splitlines()
    assert "does not serve Calico's" in line and "projectcalico.org/v3" in line
