"""Problems in relevant fields that still have one reading: analysis reads the object that way
and warns, saying how; ``validate`` and ``--validate strict`` refuse as kube-apiserver does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli_in_process

NAMESPACES = """
apiVersion: v1
kind: Namespace
metadata: {name: a, labels: {team: a}}
---
apiVersion: v1
kind: Namespace
metadata: {name: b, labels: {team: b}}
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: a, labels: {app: client}}
spec: {containers: [{name: c, image: i}]}
status: {podIP: 10.0.0.1}
---
apiVersion: v1
kind: Pod
metadata: {name: server, namespace: b, labels: {app: server}}
spec: {containers: [{name: c, image: i, ports: [{containerPort: 80}]}]}
status: {podIP: 10.0.0.2}
"""

# An AdminNetworkPolicy whose pods peer lacks podSelector (the CRD requires both selectors).
ANP_WITHOUT_POD_SELECTOR = """
apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: deny-to-b}
spec:
  priority: 10
  subject: {namespaces: {matchLabels: {team: a}}}
  egress:
  - name: deny
    action: Deny
    to: [{pods: {namespaceSelector: {matchLabels: {team: b}}}}]
"""

# A NetworkPolicy port range that ends before it starts.
EMPTY_RANGE = """
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: b}
spec:
  podSelector: {}
  policyTypes: [Ingress]
  ingress:
  - ports: [{port: 90, endPort: 80}]
"""

# A CronJob under batch/v1beta1 (no longer served) and a container port with a misspelt key.
OLD_WORKLOADS = """
apiVersion: batch/v1beta1
kind: CronJob
metadata: {name: nightly, namespace: a}
spec:
  schedule: "0 0 * * *"
  jobTemplate:
    spec:
      template:
        metadata: {labels: {app: nightly}}
        spec:
          restartPolicy: Never
          containers:
          - name: c
            image: i
            ports: [{name: web, containerport: 8080}]
"""


def _write(tmp_path: Path, policy: str) -> str:
    (tmp_path / "cluster.yaml").write_text(NAMESPACES)
    (tmp_path / "policy.yaml").write_text(policy)
    return str(tmp_path)


def _cell(matrix: dict[str, object], src: str, dst: str) -> bool:
    (query,) = matrix["queries"]  # type: ignore[misc]
    return next(c["allowed"] for c in query["matrix"] if (c["from"], c["to"]) == (src, dst))


@pytest.mark.parametrize(
    ("policy", "reading", "allowed"),
    [
        (ANP_WITHOUT_POD_SELECTOR, "the missing selector read as {}", False),
        (EMPTY_RANGE, "read as an empty range: it admits nothing", False),
    ],
)
def test_analysis_reads_the_policy_and_validate_refuses_it(
    tmp_path: Path, policy: str, reading: str, allowed: bool
) -> None:
    folder = _write(tmp_path, policy)
    result = run_cli_in_process("analyze", folder, "--port", "80", "--format", "json")
    assert result.returncode == 0, result.stderr
    (warning,) = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert reading in warning and "--validate strict refuses it" in warning
    assert _cell(json.loads(result.stdout), "a/client", "b/server") is allowed
    strict = run_cli_in_process("analyze", folder, "--validate", "strict")
    assert strict.returncode == 1 and "policy.yaml" in strict.stderr
    assert run_cli_in_process("validate", folder).returncode != 0


def test_a_removed_workload_version_is_read_with_its_pod_template(tmp_path: Path) -> None:
    folder = _write(tmp_path, OLD_WORKLOADS)
    result = run_cli_in_process("analyze", folder, "--port", "80", "--format", "json")
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert any("batch/v1beta1" in w and "read as today's version" in w for w in warnings)
    assert any("containerport" in w and "drops unknown fields" in w for w in warnings)
    assert any("serves nothing" in w for w in warnings)
    ids = {e["id"] for e in json.loads(result.stdout)["endpoints"]}
    assert "a/nightly" in ids
    assert run_cli_in_process("analyze", folder, "--validate", "strict").returncode == 1
