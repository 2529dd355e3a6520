"""Cilium policies are validated as the cilium.io/v2 CRDs (and Cilium's agent) would:
one ``file:line: kind/namespace/name: field.path: message`` line per error, exit 1."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from netfence.cli.app import app

HEAD = """apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: p, namespace: apps}
spec:
  endpointSelector: {matchLabels: {app: a}}
"""


def _validate(tmp_path: Path, text: str) -> tuple[int, str]:
    path = tmp_path / "policy.yaml"
    path.write_text(text)
    result = CliRunner().invoke(app, ["validate", str(path)])
    return result.exit_code, result.stderr + result.stdout


@pytest.mark.parametrize(
    ("body", "line", "field", "message"),
    [
        (
            "  egress:\n  - toEntities: [wrold]\n",
            7,
            "spec.egress[0].toEntities[0]",
            'Unsupported value: "wrold": supported values: "all", "world"',
        ),
        (
            '  egress:\n  - toPorts: [{ports: [{port: "99999"}]}]\n',
            7,
            "spec.egress[0].toPorts[0].ports[0].port",
            'Invalid value: "99999": port must be at most 65535 (Cilium\'s agent refuses',
        ),
        (
            '  egress:\n  - toPorts: [{ports: [{port: "http-"}]}]\n',
            7,
            "spec.egress[0].toPorts[0].ports[0].port",
            "ports[0].port in body should match",
        ),
        (
            '  egress:\n  - toPorts: [{ports: [{port: "80", protocol: ICMP}]}]\n',
            7,
            "spec.egress[0].toPorts[0].ports[0].protocol",
            'Unsupported value: "ICMP"',
        ),
        (
            "  egress:\n  - toCIDR: [10.0.0.1]\n",
            7,
            "spec.egress[0].toCIDR[0]",
            'spec.egress[0].toCIDR[0] in body must be of type cidr: "10.0.0.1"',
        ),
        (
            '  egress:\n  - toFQDNs: [{matchName: "api openai"}]\n',
            7,
            "spec.egress[0].toFQDNs[0].matchName",
            "should match '^([-a-zA-Z0-9_]+[.]?)+$'",
        ),
        (
            "  egress:\n  - toFQDNs: [{matchName: a.com, matchPattern: '*.a.com'}]\n",
            7,
            "spec.egress[0].toFQDNs[0]",
            "must validate one and only one schema (oneOf). Found 2 valid alternatives",
        ),
        (
            "  egress:\n  - toEndpoints: [{}]\n    toCIDR: [10.0.0.0/8]\n",
            7,
            "spec.egress[0]",
            "combining toEndpoints and toCIDR is not supported yet (Cilium's agent refuses",
        ),
        (
            "  ingress:\n  - toPorts: [{ports: [{port: '53'}],\n"
            "      rules: {dns: [{matchPattern: '*'}]}}]\n",
            8,
            "spec.ingress[0].toPorts[0].rules.dns",
            "DNS rules are not allowed on ingress",
        ),
        (
            "  egressDeny:\n  - toPorts: [{ports: [{port: '80'}], rules: {http: [{}]}}]\n",
            7,
            "spec.egressDeny[0].toPorts[0].rules",
            'unknown field "spec.egressDeny[0].toPorts[0].rules"',
        ),
        (
            "  egress:\n  - toPorts: [{ports: [{port: 80}]}]\n",
            7,
            "spec.egress[0].toPorts[0].ports[0].port",
            "Invalid type: expected string",
        ),
        (
            "  ingress:\n  - fromEndpoints: [{matchExpressions: [{key: a, operator: Is}]}]\n",
            7,
            "spec.ingress[0].fromEndpoints[0].matchExpressions[0].operator",
            'Unsupported value: "Is"',
        ),
    ],
)
def test_schema_errors_name_file_line_and_field(
    tmp_path: Path, body: str, line: int, field: str, message: str
) -> None:
    code, output = _validate(tmp_path, HEAD + body)
    assert code == 1
    found = [entry for entry in output.splitlines() if f": {field}: " in entry]
    assert found, output
    assert f"policy.yaml:{line}: CiliumNetworkPolicy/apps/p: {field}: " in found[0]
    assert message in found[0]


def test_a_rule_needs_a_selector_and_a_direction(tmp_path: Path) -> None:
    code, output = _validate(
        tmp_path,
        "apiVersion: cilium.io/v2\nkind: CiliumClusterwideNetworkPolicy\n"
        "metadata: {name: c}\nspec:\n  description: nothing\n",
    )
    assert code == 1
    assert "spec in body must validate one and only one schema (oneOf). Found none valid" in output
    assert "spec in body must validate at least one schema (anyOf)" in output


def test_valid_policies_and_groups_pass(tmp_path: Path) -> None:
    code, output = _validate(
        tmp_path,
        HEAD + "  egress:\n  - toCIDRSet: [{cidr: 10.0.0.0/8, except: [10.96.0.0/12]}]\n"
        "    toPorts: [{ports: [{port: '443', protocol: TCP}, {port: http, protocol: ANY}]}]\n"
        "  - toFQDNs: [{matchPattern: '**.openai.com'}]\n"
        "---\napiVersion: cilium.io/v2alpha1\nkind: CiliumCIDRGroup\nmetadata: {name: g}\n"
        "spec: {externalCIDRs: [192.0.2.0/24]}\n",
    )
    assert code == 0, output


def test_analysis_refuses_an_invalid_cilium_policy(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text(HEAD + "  egress:\n  - toEntities: [wrold]\n")
    result = CliRunner().invoke(app, ["analyze", str(path)])
    assert result.exit_code == 1
    assert "spec.egress[0].toEntities[0]" in result.stderr
