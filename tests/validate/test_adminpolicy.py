"""AdminNetworkPolicy, BaselineAdminNetworkPolicy and ClusterNetworkPolicy validation: what the
CRD schemas and CEL rules of sigs.k8s.io/network-policy-api reject, worded as the apiserver."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from netfence.validate import field_errors

ANP: dict[str, Any] = {
    "apiVersion": "policy.networking.k8s.io/v1alpha1",
    "kind": "AdminNetworkPolicy",
    "metadata": {"name": "a"},
    "spec": {
        "priority": 5,
        "subject": {"namespaces": {}},
        "egress": [
            {
                "name": "r",
                "action": "Deny",
                "to": [{"networks": ["0.0.0.0/0"]}],
                "ports": [{"portNumber": {"protocol": "TCP", "port": 80}}],
            }
        ],
    },
}
CNP: dict[str, Any] = {
    "apiVersion": "policy.networking.k8s.io/v1alpha2",
    "kind": "ClusterNetworkPolicy",
    "metadata": {"name": "c"},
    "spec": {
        "tier": "Admin",
        "priority": 5,
        "subject": {"pods": {"namespaceSelector": {}, "podSelector": {}}},
        "ingress": [
            {
                "action": "Accept",
                "from": [{"namespaces": {}}],
                "protocols": [{"tcp": {"destinationPort": {"range": {"start": 80, "end": 90}}}}],
            }
        ],
    },
}


def _errors(base: dict[str, Any], path: tuple[Any, ...], value: Any) -> list[str]:
    data = copy.deepcopy(base)
    target = data
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    from netfence.load.document import render_path

    return [f"{render_path(e.path)}: {e.message}" for e in field_errors(data)]


def test_valid_policies_have_no_errors() -> None:
    assert field_errors(ANP) == []
    assert field_errors(CNP) == []
    assert field_errors({**CNP, "apiVersion": "policy.networking.k8s.io/v1beta1"}) == []


@pytest.mark.parametrize(
    ("base", "path", "value", "expected"),
    [
        (
            ANP,
            ("spec", "priority"),
            1001,
            (
                "spec.priority: Invalid value: 1001: spec.priority in body should be "
                "less than or equal to 1000"
            ),
        ),
        (
            ANP,
            ("spec", "priority"),
            -1,
            (
                "spec.priority: Invalid value: -1: spec.priority in body should be "
                "greater than or equal to 0"
            ),
        ),
        (
            ANP,
            ("spec", "priority"),
            KeyError,
            ("spec.priority: Required value"),
        ),
        (
            ANP,
            ("spec", "subject"),
            {},
            (
                "spec.subject: Invalid value: 0: spec.subject in body should have at "
                "least 1 properties"
            ),
        ),
        (
            ANP,
            ("spec", "subject"),
            {"namespaces": {}, "pods": {"namespaceSelector": {}, "podSelector": {}}},
            ("spec.subject: Too many: 2: must have at most 1 items"),
        ),
        (
            ANP,
            ("spec", "egress", 0, "action"),
            "Accept",
            (
                'spec.egress[0].action: Unsupported value: "Accept": supported values: '
                '"Allow", "Deny", "Pass"'
            ),
        ),
        (
            ANP,
            ("spec", "egress", 0, "to"),
            [],
            (
                "spec.egress[0].to: Invalid value: 0: spec.egress[0].to in body should "
                "have at least 1 items"
            ),
        ),
        (
            ANP,
            ("spec", "egress", 0, "to", 0, "networks"),
            ["bad"],
            (
                'spec.egress[0].to[0].networks[0]: Invalid value: "string": Invalid '
                "CIDR format provided"
            ),
        ),
        (
            ANP,
            ("spec", "egress", 0, "ports"),
            [{"portRange": {"start": 90, "end": 80}}],
            (
                'spec.egress[0].ports[0].portRange: Invalid value: "object": Start '
                "port must be less than End port"
            ),
        ),
        (
            ANP,
            ("spec", "egress", 0, "ports"),
            [{"namedPort": "web"}],
            (
                'spec.egress[0]: Invalid value: "object": networks/nodes/domainNames '
                "peer cannot be set with namedPorts since there are no namedPorts for "
                "networks/nodes/domainNames"
            ),
        ),
        (
            ANP,
            ("spec", "egress", 0, "ports"),
            [{"namedPort": "web", "portNumber": {"protocol": "TCP", "port": 1}}],
            ("spec.egress[0].ports[0]: Too many: 2: must have at most 1 items"),
        ),
        (
            ANP,
            ("spec", "egress", 0, "to", 0),
            {"domainNames": ["bad_name"]},
            ("spec.egress[0].to[0].domainNames[0]: Invalid value"),
        ),
        (
            ANP,
            ("spec", "egress", 0, "name"),
            "x" * 101,
            ("spec.egress[0].name: Too long: may not be more than 100 bytes"),
        ),
        (
            ANP,
            ("spec", "egress"),
            [ANP["spec"]["egress"][0]] * 101,
            ("spec.egress: Too many: 101: must have at most 100 items"),
        ),
        (
            CNP,
            ("spec", "tier"),
            "Middle",
            ('spec.tier: Unsupported value: "Middle": supported values: "Admin", "Baseline"'),
        ),
        (
            CNP,
            ("spec", "ingress", 0, "action"),
            "Allow",
            (
                'spec.ingress[0].action: Unsupported value: "Allow": supported values: '
                '"Accept", "Deny", "Pass"'
            ),
        ),
        (
            CNP,
            ("spec", "ingress", 0, "protocols", 0, "tcp", "destinationPort", "range", "end"),
            80,
            (
                "spec.ingress[0].protocols[0].tcp.destinationPort.range: Invalid "
                'value: "object": Start port must be less than End port'
            ),
        ),
        (
            CNP,
            ("spec", "ingress"),
            [CNP["spec"]["ingress"][0]] * 26,
            ("spec.ingress: Too many: 26: must have at most 25 items"),
        ),
        (
            CNP,
            ("spec", "subject", "pods"),
            {"namespaceSelector": {}},
            ("spec.subject.pods.podSelector: Required value"),
        ),
    ],
)
def test_schema_and_cel_errors(
    base: dict[str, Any], path: tuple[Any, ...], value: Any, expected: str
) -> None:
    errors = _errors(base, path, value)
    assert any(e.startswith(expected) for e in errors), errors


def test_cnp_networks_must_be_masked_but_anp_networks_need_not() -> None:
    cnp = copy.deepcopy(CNP)
    cnp["spec"]["egress"] = [{"action": "Deny", "to": [{"networks": ["10.0.0.1/8"]}]}]
    assert [e.message for e in field_errors(cnp)] == [
        'Invalid value: "string": Invalid CIDR format provided'
    ]
    anp = copy.deepcopy(ANP)
    anp["spec"]["egress"][0]["to"] = [{"networks": ["10.0.0.1/8"]}]
    assert field_errors(anp) == []


def test_the_baseline_is_a_singleton_named_default_without_pass() -> None:
    banp = {
        "apiVersion": "policy.networking.k8s.io/v1alpha1",
        "kind": "BaselineAdminNetworkPolicy",
        "metadata": {"name": "other"},
        "spec": {
            "subject": {"namespaces": {}},
            "ingress": [{"action": "Pass", "from": [{"namespaces": {}}]}],
        },
    }
    messages = [e.message for e in field_errors(banp)]
    assert any('metadata.name="default"' in m for m in messages)
    assert any(m.startswith('Unsupported value: "Pass"') for m in messages)


def test_wrong_api_version_names_the_served_one() -> None:
    (error,) = field_errors({**ANP, "apiVersion": "policy.networking.k8s.io/v1"})
    assert "policy.networking.k8s.io/v1alpha1" in error.message


def test_pods_peer_without_pod_selector_says_the_apiserver_refuses_it() -> None:
    """An ANP ``pods`` peer with only ``namespaceSelector`` (the shape of netpol-analyzer's
    anp_test_10): the v1alpha1 CRD requires both selectors, so the line names the missing
    field and says kube-apiserver refuses the object."""
    errors = _errors(ANP, ("spec", "egress", 0, "to"), [{"pods": {"namespaceSelector": {}}}])
    (line,) = [e for e in errors if "pods" in e]
    assert line.startswith("spec.egress[0].to[0].pods.podSelector: Required value: ")
    assert "namespaceSelector and podSelector" in line
    assert "kube-apiserver refuses the object" in line
