"""Calico objects are validated like Calico's API server: one ``file:line: field`` line each."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from netfence.cli.app import app

POLICY = """\
apiVersion: projectcalico.org/v3
kind: {kind}
metadata:
  name: {name}
{namespace}spec:
{spec}
"""


def _validate(tmp_path: Path, spec: str, kind: str = "NetworkPolicy", name: str = "p") -> list[str]:
    namespace = "  namespace: shop\n" if kind in ("NetworkPolicy", "NetworkSet") else ""
    body = POLICY.format(kind=kind, name=name, namespace=namespace, spec=spec)
    path = tmp_path / "p.yaml"
    path.write_text(body)
    result = CliRunner().invoke(app, ["validate", str(path)])
    if result.exit_code == 0:
        return []
    assert result.exit_code == 1, result.output
    return [line for line in result.output.splitlines() if line.startswith(str(path))]


@pytest.mark.parametrize(
    ("spec", "line", "field", "message"),
    [
        ("  selector: app = 'x'", 7, "spec.selector", "invalid selector"),
        ("  order: high", 7, "spec.order", "expected number"),
        ("  types: [Ingress, Ingress]", 7, "spec.types", "specified more than once"),
        ("  types: [Forward]", 7, "spec.types[0]", "Unsupported value"),
        ("  ingress:\n  - action: Drop", 8, "spec.ingress[0].action", 'Unsupported value: "Drop"'),
        ("  ingress:\n  - source: {}", 8, "spec.ingress[0].action", "Required value"),
        (
            "  ingress:\n  - action: Allow\n    destination: {ports: [80]}",
            9,
            "spec.ingress[0].destination.ports",
            "must set protocol to TCP or UDP or SCTP",
        ),
        (
            "  egress:\n  - action: Allow\n    protocol: TCP\n    destination: {ports: ['90:80']}",
            10,
            "spec.egress[0].destination.ports[0]",
            "start must not exceed",
        ),
        (
            "  egress:\n  - action: Allow\n    destination: {nets: [10.0.0.0/33]}",
            9,
            "spec.egress[0].destination.nets[0]",
            "invalid CIDR",
        ),
        (
            "  egress:\n  - action: Allow\n    destination: {nets: [10.0.0.0/8, 'fd00::/8']}",
            8,
            "spec.egress[0]",
            "both IPv4 and IPv6",
        ),
        (
            "  egress:\n  - action: Allow\n    destination: {selector: global()}",
            9,
            "spec.egress[0].destination.selector",
            "global() can only be used in an EntityRule namespaceSelector",
        ),
        (
            (
                "  egress:\n"
                "  - action: Allow\n"
                "    destination: {namespaceSelector: global() || a == 'b'}"
            ),
            9,
            "spec.egress[0].destination.namespaceSelector",
            "cannot be combined",
        ),
        (
            "  egress:\n  - action: Allow\n    protocol: IGMP",
            9,
            "spec.egress[0].protocol",
            "Unsupported",
        ),
        ("  selector: all()\n  colour: red", 8, "spec.colour", "unknown field"),
    ],
)
def test_policy_errors(tmp_path: Path, spec: str, line: int, field: str, message: str) -> None:
    errors = _validate(tmp_path, spec)
    assert len(errors) == 1, errors
    assert f":{line}: NetworkPolicy/shop/p: {field}: " in errors[0]
    assert message in errors[0]


def test_valid_policy_with_every_part(tmp_path: Path) -> None:
    spec = """\
  tier: platform
  order: 10.5
  selector: app == 'web' && !has(debug)
  serviceAccountSelector: all()
  types: [Ingress, Egress]
  ingress:
  - action: Log
  - action: Allow
    protocol: 6
    source: {namespaceSelector: global(), selector: kind == 'partner'}
    destination: {ports: [80, '8000:8080', http], notPorts: [8081]}
  egress:
  - action: Pass
    notProtocol: UDP
    destination: {notNets: [10.0.0.0/8], serviceAccounts: {names: [db]}}
  - action: Deny
    protocol: ICMP
    icmp: {type: 8}"""
    assert _validate(tmp_path, spec, name="platform.web") == []


def test_names_follow_calico_rules(tmp_path: Path) -> None:
    assert _validate(tmp_path, "  selector: all()", name="knp.default.x.y") == []
    errors = _validate(tmp_path, "  selector: all()", name="a.b.c")
    assert "metadata.name" in errors[0]
    errors = _validate(tmp_path, "  selector: all()", kind="GlobalNetworkPolicy", name="Web")
    assert "GlobalNetworkPolicy/Web: metadata.name: " in errors[0]


def test_host_endpoint_flags(tmp_path: Path) -> None:
    spec = "  preDNAT: true\n  doNotTrack: true\n  egress:\n  - action: Deny"
    errors = _validate(tmp_path, spec, kind="GlobalNetworkPolicy")
    joined = "\n".join(errors)
    assert "cannot both be true" in joined
    assert "cannot have any Egress rules" in joined
    assert "ApplyOnForward must be true" in joined


def test_tiers(tmp_path: Path) -> None:
    assert _validate(tmp_path, "  order: 100\n  defaultAction: Pass", kind="Tier", name="x") == []
    errors = _validate(tmp_path, "  order: 5", kind="Tier", name="default")
    assert "spec.order: " in errors[0] and "default tier order must be 1e+06" in errors[0]
    errors = _validate(tmp_path, "  defaultAction: Allow", kind="Tier", name="x")
    assert 'spec.defaultAction: Unsupported value: "Allow"' in errors[0]
    errors = _validate(tmp_path, "  order: 1", kind="Tier", name="a.b")
    assert "metadata.name" in errors[0]


def test_network_sets(tmp_path: Path) -> None:
    assert _validate(tmp_path, "  nets: [10.0.0.0/8, 192.0.2.1]", kind="NetworkSet", name="s") == []
    errors = _validate(tmp_path, "  nets: [nonsense]", kind="GlobalNetworkSet", name="s")
    assert "spec.nets[0]: Invalid value" in errors[0]


def test_storage_group_and_wrong_version(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        "apiVersion: crd.projectcalico.org/v1\nkind: GlobalNetworkSet\n"
        "metadata: {name: s}\nspec: {nets: [10.0.0.0/8]}\n---\n"
        "apiVersion: projectcalico.org/v1\nkind: Tier\nmetadata: {name: t}\nspec: {}\n"
    )
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    assert "p.yaml:6: Tier/t: apiVersion: no matches for kind" in result.output
    assert "use apiVersion projectcalico.org/v3" in result.output
