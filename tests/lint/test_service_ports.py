"""service-port-in-policy: policies match pod ports, not the Service ports in front of them."""

from __future__ import annotations

from pathlib import Path

from netfence.inputs import read_inputs
from netfence.lint import LintOptions, lint_inputs

RULE = "service-port-in-policy"
PODS = """\
apiVersion: v1
kind: Namespace
metadata: {name: app, labels: {kubernetes.io/metadata.name: app}}
---
apiVersion: v1
kind: Pod
metadata: {name: web-0, namespace: app, labels: {app: web}}
spec:
  containers: [{name: web, image: web, ports: [{name: http, containerPort: 8000}]}]
---
apiVersion: v1
kind: Pod
metadata: {name: client-0, namespace: app, labels: {app: client}}
spec:
  containers: [{name: client, image: client}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: client, namespace: app}
spec:
  podSelector: {matchLabels: {app: client}}
  policyTypes: [Egress]
  egress:
  - to: [{podSelector: {matchLabels: {app: web}}}]
    ports: [{port: 80, protocol: TCP}]
"""
SERVICE = """\
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: app}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: http}]
"""


def _messages(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "app.yaml"
    path.write_text(text)
    options = LintOptions(rules=frozenset({RULE}))
    return [
        f.message + "\n" + f.hint
        for f in lint_inputs(read_inputs([str(path)]), options=options).findings
    ]


def test_an_egress_rule_to_a_named_target_port_is_reported_with_the_pod_port(
    tmp_path: Path,
) -> None:
    (found,) = _messages(tmp_path, PODS + SERVICE)
    assert "egress[0] ports[0]: 80/TCP is the port of Service app/web (targetPort 8000)" in found
    assert "{port: 8000, protocol: TCP}" in found


def test_without_services_in_the_input_nothing_is_said(tmp_path: Path) -> None:
    assert _messages(tmp_path, PODS) == []


def test_pods_that_serve_the_service_port_themselves_are_fine(tmp_path: Path) -> None:
    same = PODS.replace("containerPort: 8000", "containerPort: 80")
    assert _messages(tmp_path, same + SERVICE.replace("targetPort: http", "targetPort: 80")) == []
