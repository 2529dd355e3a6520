"""NetworkPolicy cases transcribed from kube-apiserver's networking validation tests."""

from __future__ import annotations

from typing import Any

import pytest

from tests.validate.helpers import fields_of, manifest, problems_of

IPV4 = {"cidr": "192.168.0.0/16", "except": ["192.168.3.0/24", "192.168.4.0/24"]}
IPV6 = {"cidr": "fd00:192:168::/48", "except": ["fd00:192:168:3::/64", "fd00:192:168:4::/64"]}
SEL = {"matchLabels": {"c": "d"}}
BAD_SEL = {"matchLabels": {"NoUppercaseOrSpecialCharsLike=Equals": "b"}}


def policy(**spec: Any) -> str:
    return manifest("NetworkPolicy", {"podSelector": {"matchLabels": {"a": "b"}}, **spec})


def ports(*entries: dict[str, Any]) -> list[dict[str, Any]]:
    return list(entries)


VALID = {
    "empty ingress rule": policy(ingress=[{}]),
    "empty from and ports": policy(ingress=[{"from": [], "ports": []}]),
    "ports of every kind": policy(
        ingress=[
            {
                "ports": [
                    {"port": 80},
                    {"protocol": "TCP"},
                    {"protocol": "TCP", "port": 443},
                    {"protocol": "UDP", "port": "dns"},
                    {"protocol": "SCTP", "port": 7777},
                ]
            }
        ]
    ),
    "from podSelector": policy(ingress=[{"from": [{"podSelector": SEL}]}]),
    "from namespaceSelector": policy(ingress=[{"from": [{"namespaceSelector": SEL}]}]),
    "pod and namespace selector": policy(
        ingress=[{"from": [{"podSelector": {"matchLabels": {"e": "f"}}, "namespaceSelector": SEL}]}]
    ),
    "egress ns + ingress ipv4": policy(
        ingress=[{"from": [{"ipBlock": IPV4}]}], egress=[{"to": [{"namespaceSelector": SEL}]}]
    ),
    "ingress ipv4": policy(ingress=[{"from": [{"ipBlock": IPV4}]}]),
    "egress ipv4 Egress": policy(egress=[{"to": [{"ipBlock": IPV4}]}], policyTypes=["Egress"]),
    "egress ipv4 both types": policy(
        egress=[{"to": [{"ipBlock": IPV4}]}], policyTypes=["Ingress", "Egress"]
    ),
    "ingress ipv6": policy(ingress=[{"from": [{"ipBlock": IPV6}]}]),
    "egress ipv6 Egress": policy(egress=[{"to": [{"ipBlock": IPV6}]}], policyTypes=["Egress"]),
    "egress port range": policy(
        egress=[{"ports": [{"port": 32000, "endPort": 32768}, {"protocol": "UDP", "port": "dns"}]}]
    ),
    "port range equal ends": policy(
        ingress=[{"ports": [{"protocol": "TCP", "port": 32768, "endPort": 32768}]}]
    ),
    "egress policy types reversed": policy(policyTypes=["Egress", "Ingress"]),
    "empty podSelector": manifest("NetworkPolicy", {"podSelector": {}}),
    "no spec at all": manifest("NetworkPolicy"),
    "null selectors are absent": policy(
        ingress=[{"from": [{"podSelector": None, "ipBlock": {"cidr": "10.0.0.0/8"}}]}]
    ),
    "ipv6 non-canonical": policy(ingress=[{"from": [{"ipBlock": {"cidr": "FD00:0:0::/64"}}]}]),
    "0.0.0.0/0 except": policy(
        egress=[{"to": [{"ipBlock": {"cidr": "0.0.0.0/0", "except": ["169.254.169.254/32"]}}]}]
    ),
    "matchExpressions": policy(
        ingress=[
            {
                "from": [
                    {
                        "podSelector": {
                            "matchExpressions": [
                                {"key": "app", "operator": "In", "values": ["a", "b"]},
                                {"key": "tier", "operator": "NotIn", "values": ["x"]},
                                {"key": "example.com/role", "operator": "Exists"},
                                {"key": "gone", "operator": "DoesNotExist", "values": []},
                            ]
                        }
                    }
                ]
            }
        ]
    ),
    "qualified label key and empty value": policy(
        podSelector={"matchLabels": {"app.kubernetes.io/name": "", "x/y": "z"}}
    ),
    "dotted name": manifest("NetworkPolicy", {"podSelector": {}}, name="allow.dns-1"),
    "generateName": manifest("NetworkPolicy", {"podSelector": {}}, name=None, generateName="np-"),
}


INVALID = {
    # Rejected on create by kube-apiserver v1.37 (strict CIDR checks), which v1.33 accepted:
    # found by tests/controlplane/test_validate_differential.py.
    "host bits in cidr": (
        policy(
            ingress=[{"from": [{"ipBlock": {"cidr": "10.1.2.3/8", "except": ["10.2.0.0/16"]}}]}]
        ),
        ["spec.ingress[0].from[0].ipBlock.cidr"],
    ),
    "leading zeros": (
        policy(ingress=[{"from": [{"ipBlock": {"cidr": "010.000.0.0/08"}}]}]),
        ["spec.ingress[0].from[0].ipBlock.cidr"],
    ),
    "leading zeros in an except": (
        policy(egress=[{"to": [{"ipBlock": {"cidr": "10.0.0.0/8", "except": ["010.1.0.0/16"]}}]}]),
        ["spec.egress[0].to[0].ipBlock.except[0]"],
    ),
    "ipv4-mapped ipv6 cidr": (
        policy(egress=[{"to": [{"ipBlock": {"cidr": "::ffff:10.0.0.0/104"}}]}]),
        ["spec.egress[0].to[0].ipBlock.cidr"],
    ),
    "namespaceSelector and ipBlock": (
        policy(ingress=[{"from": [{"namespaceSelector": SEL, "ipBlock": IPV4}]}]),
        ["spec.ingress[0].from[0]"],
    ),
    "podSelector and ipBlock": (
        policy(egress=[{"to": [{"podSelector": SEL, "ipBlock": IPV4}]}]),
        ["spec.egress[0].to[0]"],
    ),
    "missing from and to type": (
        policy(ingress=[{"from": [{}]}], egress=[{"to": [{}]}]),
        ["spec.ingress[0].from[0]", "spec.egress[0].to[0]"],
    ),
    "invalid spec.podSelector": (
        manifest("NetworkPolicy", {"podSelector": BAD_SEL}),
        ["spec.podSelector.matchLabels"],
    ),
    "invalid ingress.ports.protocol": (
        policy(ingress=[{"ports": [{"protocol": "ICMP", "port": 80}]}]),
        ["spec.ingress[0].ports[0].protocol"],
    ),
    "lowercase protocol": (
        policy(ingress=[{"ports": [{"protocol": "tcp", "port": 80}]}]),
        ["spec.ingress[0].ports[0].protocol"],
    ),
    "empty protocol": (
        policy(ingress=[{"ports": [{"protocol": "", "port": 80}]}]),
        ["spec.ingress[0].ports[0].protocol"],
    ),
    "invalid ingress.ports.port (int)": (
        policy(ingress=[{"ports": [{"protocol": "TCP", "port": 123456789}]}]),
        ["spec.ingress[0].ports[0].port"],
    ),
    "port zero": (policy(ingress=[{"ports": [{"port": 0}]}]), ["spec.ingress[0].ports[0].port"]),
    "invalid ingress.ports.port (str)": (
        policy(ingress=[{"ports": [{"protocol": "TCP", "port": "!@#$"}]}]),
        ["spec.ingress[0].ports[0].port", "spec.ingress[0].ports[0].port"],
    ),
    "port name too long": (
        policy(ingress=[{"ports": [{"port": "a-very-long-port-name"}]}]),
        ["spec.ingress[0].ports[0].port"],
    ),
    "quoted number is a name": (
        policy(ingress=[{"ports": [{"port": "80"}]}]),
        ["spec.ingress[0].ports[0].port"],
    ),
    "invalid ingress.from.podSelector": (
        policy(ingress=[{"from": [{"podSelector": BAD_SEL}]}]),
        ["spec.ingress[0].from[0].podSelector.matchLabels"],
    ),
    "invalid egress.to.podSelector": (
        policy(egress=[{"to": [{"podSelector": BAD_SEL}]}]),
        ["spec.egress[0].to[0].podSelector.matchLabels"],
    ),
    "invalid egress.ports.protocol": (
        policy(egress=[{"ports": [{"protocol": "ICMP", "port": 80}]}]),
        ["spec.egress[0].ports[0].protocol"],
    ),
    "invalid egress.ports.port (int)": (
        policy(egress=[{"ports": [{"protocol": "TCP", "port": 123456789}]}]),
        ["spec.egress[0].ports[0].port"],
    ),
    "invalid egress.ports.port (str)": (
        policy(egress=[{"ports": [{"protocol": "TCP", "port": "!@#$"}]}]),
        ["spec.egress[0].ports[0].port", "spec.egress[0].ports[0].port"],
    ),
    "invalid ingress.from.namespaceSelector": (
        policy(ingress=[{"from": [{"namespaceSelector": BAD_SEL}]}]),
        ["spec.ingress[0].from[0].namespaceSelector.matchLabels"],
    ),
    "missing cidr field": (
        policy(ingress=[{"from": [{"ipBlock": {"cidr": "", "except": IPV4["except"]}}]}]),
        ["spec.ingress[0].from[0].ipBlock.cidr"],
    ),
    "empty ipBlock": (
        policy(ingress=[{"from": [{"ipBlock": {}}]}]),
        ["spec.ingress[0].from[0].ipBlock.cidr"],
    ),
    "invalid cidr format": (
        policy(ingress=[{"from": [{"ipBlock": {"cidr": "192.168.5.6", "except": []}}]}]),
        ["spec.ingress[0].from[0].ipBlock.cidr"],
    ),
    "invalid ipv6 cidr format": (
        policy(ingress=[{"from": [{"ipBlock": {"cidr": "fd00:192:168::"}}]}]),
        ["spec.ingress[0].from[0].ipBlock.cidr"],
    ),
    "prefix too long": (
        policy(ingress=[{"from": [{"ipBlock": {"cidr": "10.0.0.0/33"}}]}]),
        ["spec.ingress[0].from[0].ipBlock.cidr"],
    ),
    "octet out of range": (
        policy(ingress=[{"from": [{"ipBlock": {"cidr": "256.0.0.0/8"}}]}]),
        ["spec.ingress[0].from[0].ipBlock.cidr"],
    ),
    "except field is an empty string": (
        policy(ingress=[{"from": [{"ipBlock": {"cidr": "192.168.0.0/16", "except": [""]}}]}]),
        ["spec.ingress[0].from[0].ipBlock.except[0]"],
    ),
    "except field is a space": (
        policy(ingress=[{"from": [{"ipBlock": {"cidr": "192.168.0.0/16", "except": [" "]}}]}]),
        ["spec.ingress[0].from[0].ipBlock.except[0]"],
    ),
    "except field is an invalid ip": (
        policy(
            ingress=[
                {"from": [{"ipBlock": {"cidr": "192.168.0.0/16", "except": ["300.300.300.300"]}}]}
            ]
        ),
        ["spec.ingress[0].from[0].ipBlock.except[0]"],
    ),
    "except IP is outside of CIDR range": (
        policy(
            ingress=[
                {"from": [{"ipBlock": {"cidr": "192.168.8.0/24", "except": ["192.168.9.1/32"]}}]}
            ]
        ),
        ["spec.ingress[0].from[0].ipBlock.except[0]"],
    ),
    "except IP is not strictly within CIDR range": (
        policy(
            ingress=[
                {"from": [{"ipBlock": {"cidr": "192.168.0.0/24", "except": ["192.168.0.0/24"]}}]}
            ]
        ),
        ["spec.ingress[0].from[0].ipBlock.except[0]"],
    ),
    "except IPv6 is outside of CIDR range": (
        policy(
            ingress=[
                {
                    "from": [
                        {
                            "ipBlock": {
                                "cidr": "fd00:192:168:1::/64",
                                "except": ["fd00:192:168:2::/64"],
                            }
                        }
                    ]
                }
            ]
        ),
        ["spec.ingress[0].from[0].ipBlock.except[0]"],
    ),
    "except of another family": (
        policy(egress=[{"to": [{"ipBlock": {"cidr": "10.0.0.0/8", "except": ["fd00::/64"]}}]}]),
        ["spec.egress[0].to[0].ipBlock.except[0]"],
    ),
    "second except bad": (
        policy(
            egress=[
                {
                    "to": [
                        {
                            "ipBlock": {
                                "cidr": "10.0.0.0/8",
                                "except": ["10.1.0.0/16", "11.0.0.0/16"],
                            }
                        }
                    ]
                }
            ]
        ),
        ["spec.egress[0].to[0].ipBlock.except[1]"],
    ),
    "invalid policyTypes": (
        policy(egress=[{"to": [{"ipBlock": IPV4}]}], policyTypes=["foo", "bar"]),
        ["spec.policyTypes[0]", "spec.policyTypes[1]"],
    ),
    "lowercase policyType": (policy(policyTypes=["ingress"]), ["spec.policyTypes[0]"]),
    "too many policyTypes": (
        policy(egress=[{"to": [{"ipBlock": IPV4}]}], policyTypes=["foo", "bar", "baz"]),
        ["spec.policyTypes"],
    ),
    "three valid policyTypes": (
        policy(policyTypes=["Ingress", "Egress", "Ingress"]),
        ["spec.policyTypes"],
    ),
    "multiple ports defined, one port range is invalid": (
        policy(
            egress=[
                {
                    "to": [{"namespaceSelector": SEL}],
                    "ports": [
                        {"protocol": "UDP", "port": 35000, "endPort": 32768},
                        {"port": 32000, "endPort": 32768},
                    ],
                }
            ]
        ),
        ["spec.egress[0].ports[0].endPort"],
    ),
    "endPort defined with named/string port": (
        policy(
            egress=[
                {
                    "to": [{"namespaceSelector": SEL}],
                    "ports": [
                        {"protocol": "UDP", "port": "dns", "endPort": 32768},
                        {"port": 32000, "endPort": 32768},
                    ],
                }
            ]
        ),
        ["spec.egress[0].ports[0].endPort"],
    ),
    "endPort defined without port defined": (
        policy(egress=[{"ports": [{"protocol": "TCP", "endPort": 32768}]}]),
        ["spec.egress[0].ports[0].endPort"],
    ),
    "port is greater than endPort": (
        policy(egress=[{"ports": [{"protocol": "SCTP", "port": 35000, "endPort": 32768}]}]),
        ["spec.egress[0].ports[0].endPort"],
    ),
    "multiple invalid port ranges defined": (
        policy(
            egress=[
                {
                    "ports": [
                        {"protocol": "UDP", "port": 35000, "endPort": 32768},
                        {"protocol": "TCP", "endPort": 32768},
                        {"protocol": "TCP", "port": "https", "endPort": 32768},
                    ]
                }
            ]
        ),
        [
            "spec.egress[0].ports[0].endPort",
            "spec.egress[0].ports[1].endPort",
            "spec.egress[0].ports[2].endPort",
        ],
    ),
    "invalid endport range defined": (
        policy(egress=[{"ports": [{"protocol": "TCP", "port": 30000, "endPort": 65537}]}]),
        ["spec.egress[0].ports[0].endPort"],
    ),
    "endPort below port and too large port": (
        policy(ingress=[{"ports": [{"port": 70000, "endPort": 80}]}]),
        ["spec.ingress[0].ports[0].port", "spec.ingress[0].ports[0].endPort"],
    ),
    "bad operator": (
        policy(podSelector={"matchExpressions": [{"key": "a", "operator": "Equals"}]}),
        ["spec.podSelector.matchExpressions[0].operator"],
    ),
    "In without values": (
        policy(podSelector={"matchExpressions": [{"key": "a", "operator": "In"}]}),
        ["spec.podSelector.matchExpressions[0].values"],
    ),
    "Exists with values": (
        policy(
            podSelector={"matchExpressions": [{"key": "a", "operator": "Exists", "values": ["x"]}]}
        ),
        ["spec.podSelector.matchExpressions[0].values"],
    ),
    "bad expression value": (
        policy(
            podSelector={"matchExpressions": [{"key": "a", "operator": "In", "values": ["a b"]}]}
        ),
        ["spec.podSelector.matchExpressions[0].values[0]"],
    ),
    "bad expression key": (
        policy(podSelector={"matchExpressions": [{"key": "-a", "operator": "Exists"}]}),
        ["spec.podSelector.matchExpressions[0].key"],
    ),
    "empty expression key": (
        policy(podSelector={"matchExpressions": [{"key": "", "operator": "Exists"}]}),
        ["spec.podSelector.matchExpressions[0].key", "spec.podSelector.matchExpressions[0].key"],
    ),
    "bad label value": (
        policy(podSelector={"matchLabels": {"a": "b c"}}),
        ["spec.podSelector.matchLabels"],
    ),
    "label value too long": (
        policy(podSelector={"matchLabels": {"a": "x" * 64}}),
        ["spec.podSelector.matchLabels"],
    ),
    "label prefix too long": (
        policy(podSelector={"matchLabels": {"a" * 254 + "/b": "c"}}),
        ["spec.podSelector.matchLabels"],
    ),
    "invalid name": (manifest("NetworkPolicy", {}, name="Foo"), ["metadata.name"]),
    "name too long": (manifest("NetworkPolicy", {}, name="a" * 254), ["metadata.name"]),
    "missing name": (manifest("NetworkPolicy", {}, name=None), ["metadata.name"]),
    "invalid namespace": (manifest("NetworkPolicy", {}, namespace="a.b"), ["metadata.namespace"]),
    "invalid metadata label": (
        manifest("NetworkPolicy", {}, labels={"a/b/c": "d"}),
        ["metadata.labels"],
    ),
    "invalid annotation key": (
        manifest("NetworkPolicy", {}, annotations={"-x": "y"}),
        ["metadata.annotations"],
    ),
    "every error of a document": (
        policy(
            ingress=[{"from": [{}], "ports": [{"port": 0}]}],
            egress=[{"to": [{"ipBlock": {"cidr": "x"}}]}],
            policyTypes=["Sideways"],
        ),
        [
            "spec.ingress[0].ports[0].port",
            "spec.ingress[0].from[0]",
            "spec.egress[0].to[0].ipBlock.cidr",
            "spec.policyTypes[0]",
        ],
    ),
}


@pytest.mark.parametrize("text", VALID.values(), ids=VALID.keys())
def test_valid_policies_pass(text: str) -> None:
    assert problems_of(text) == []


@pytest.mark.parametrize(("text", "fields"), INVALID.values(), ids=INVALID.keys())
def test_invalid_policies_name_each_field(text: str, fields: list[str]) -> None:
    assert fields_of(text) == fields


def test_messages_are_worded_as_the_apiserver_words_them() -> None:
    text = policy(
        ingress=[
            {
                "from": [{}, {"podSelector": SEL, "ipBlock": {"cidr": "10.0.0.0/8"}}],
                "ports": [{"protocol": "ICMP"}, {"port": 80, "endPort": 79}],
            }
        ],
        policyTypes=["Ingress", "Egress", "Ingress"],
    )
    messages = [p.message for p in problems_of(text)]
    assert messages == [
        'Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP"',
        "Invalid value: 80: must be greater than or equal to `port`",
        "Required value: must specify a peer",
        "Forbidden: may not specify both ipBlock and another peer",
        'Invalid value: []networking.PolicyType{"Ingress", "Egress", "Ingress"}: '
        "may not specify more than two policyTypes",
    ]


def test_strict_cidr_messages_are_the_apiservers() -> None:
    """As kube-apiserver v1.37.2 answered a dry-run create of the same policy."""
    block = {"cidr": "10.0.0.0/08", "except": ["10.1.0.1/16", "::ffff:10.1.0.0/112"]}
    messages = [p.message for p in problems_of(policy(egress=[{"to": [{"ipBlock": block}]}]))]
    assert messages == [
        'Invalid value: "10.0.0.0/08": must not have leading 0s in IP or prefix length',
        'Invalid value: "10.1.0.1/16": must not have bits set beyond the prefix length',
        'Invalid value: "::ffff:10.1.0.0/112": must not have an IPv4-mapped IPv6 address',
    ]


def test_problem_names_line_and_object() -> None:
    text = "\n".join(
        [
            "apiVersion: networking.k8s.io/v1",
            "kind: NetworkPolicy",
            "metadata: {name: web, namespace: shop}",
            "spec:",
            "  podSelector: {}",
            "  ingress:",
            "  - from:",
            "    - ipBlock:",
            "        cidr: 10.0.0.0/8",
            "        except: [11.0.0.0/16]",
        ]
    )
    (problem,) = problems_of(text)
    assert problem.render() == (
        "test.yaml:10: NetworkPolicy/shop/web: spec.ingress[0].from[0].ipBlock.except[0]: "
        'Invalid value: "11.0.0.0/16": must be a strict subset of `cidr`'
    )
