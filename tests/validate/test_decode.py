"""The strict decoder: JSON types, unknown fields per mode, apiVersions."""

from __future__ import annotations

import pytest

from tests.validate.helpers import fields_of, problems_of

HEAD = (
    "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: np, namespace: ns}\n"
)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("spec: {podSelector: x}", "spec.podSelector"),
        ("spec: {ingress: {}}", "spec.ingress"),
        ("spec: {ingress: [{ports: [{port: true}]}]}", "spec.ingress[0].ports[0].port"),
        ("spec: {ingress: [{ports: [{port: 80.5}]}]}", "spec.ingress[0].ports[0].port"),
        ("spec: {ingress: [{ports: [{port: 99999999999}]}]}", "spec.ingress[0].ports[0].port"),
        ("spec: {ingress: [{ports: [{endPort: '90'}]}]}", "spec.ingress[0].ports[0].endPort"),
        (
            "spec: {ingress: [{from: [{ipBlock: {cidr: 10}}]}]}",
            "spec.ingress[0].from[0].ipBlock.cidr",
        ),
        (
            "spec: {ingress: [{from: [{ipBlock: {except: 10.0.0.0/8}}]}]}",
            "spec.ingress[0].from[0].ipBlock.except",
        ),
        ("spec: {policyTypes: Ingress}", "spec.policyTypes"),
        ("spec: {podSelector: {matchLabels: {version: 1}}}", "spec.podSelector.matchLabels"),
        ("spec: {podSelector: {matchLabels: {enabled: yes}}}", "spec.podSelector.matchLabels"),
        ("spec: []", "spec"),
        ("metadata: {name: 5}\nspec: {}", "metadata.name"),
    ],
)
def test_wrong_types_are_one_problem_at_their_path(body: str, field: str) -> None:
    text = (
        HEAD.replace("metadata: {name: np, namespace: ns}\n", "")
        if body.startswith("metadata")
        else HEAD
    )
    problems = problems_of(text + body + "\n")
    assert [p.field for p in problems] == [field]
    assert problems[0].message.startswith("Invalid type: expected ")


def test_type_error_message_names_both_types() -> None:
    (problem,) = problems_of(HEAD + "spec: {podSelector: x}\n")
    assert problem.message == 'Invalid type: expected an object (LabelSelector), got string "x"'


def test_null_is_the_zero_value() -> None:
    text = (
        HEAD
        + "spec: {podSelector: null, ingress: [{ports: [{port: null, protocol: null}],"
        + " from: null}], egress: [null]}\n"
    )
    assert problems_of(text) == []


def test_integral_float_is_an_integer() -> None:
    assert problems_of(HEAD + "spec: {ingress: [{ports: [{port: 80.0}]}]}\n") == []


def test_colon_port_is_a_string() -> None:
    assert fields_of(HEAD + "spec: {ingress: [{ports: [{port: 1:20}]}]}\n") == [
        "spec.ingress[0].ports[0].port",
        "spec.ingress[0].ports[0].port",
    ]


UNKNOWN = HEAD + "spec:\n  podSelector: {}\n  ingress:\n  - form: []\n"


def test_unknown_field_is_an_error_in_strict_mode() -> None:
    (problem,) = problems_of(UNKNOWN, "strict")
    assert (problem.field, problem.severity) == ("spec.ingress[0].form", "error")
    assert problem.message == 'unknown field "spec.ingress[0].form"'
    assert problem.source.line == 7


def test_unknown_field_is_a_warning_in_warn_mode() -> None:
    (problem,) = problems_of(UNKNOWN, "warn")
    assert problem.severity == "warning"


def test_unknown_field_is_ignored_in_ignore_mode() -> None:
    assert problems_of(UNKNOWN, "ignore") == []


@pytest.mark.parametrize(
    "extra",
    [
        "metadata: {name: a, namespace: b, labelz: {}}",
        "status: {}",
        "spec: {podSelector: {matchLabel: {}}}",
    ],
)
def test_unknown_fields_everywhere_in_known_subtrees(extra: str) -> None:
    text = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n" + extra + "\n"
    if not extra.startswith("metadata"):
        text += "metadata: {name: a}\n"
    assert [p.message.startswith("unknown field") for p in problems_of(text)] == [True]


def test_opaque_subtrees_accept_any_fields() -> None:
    text = (
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
        "  - name: c\n    image: i\n    resources: {limits: {cpu: 1, nvidia.com/gpu: 1}}\n"
        "    livenessProbe: {httpGet: {path: /, port: http}}\n"
        "  affinity: {nodeAffinity: {anything: [1, 2]}}\n"
    )
    assert problems_of(text) == []


def test_opaque_subtrees_still_need_objects() -> None:
    text = (
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
        "spec:\n  containers: [{name: c, image: i, resources: 4}]\n"
    )
    assert fields_of(text) == ["spec.containers[0].resources"]


@pytest.mark.parametrize(
    ("api_version", "kind", "release", "served"),
    [
        ("extensions/v1beta1", "NetworkPolicy", "v1.16", "networking.k8s.io/v1"),
        ("extensions/v1beta1", "Deployment", "v1.16", "apps/v1"),
        ("apps/v1beta1", "Deployment", "v1.16", "apps/v1"),
        ("apps/v1beta2", "StatefulSet", "v1.16", "apps/v1"),
        ("extensions/v1beta1", "DaemonSet", "v1.16", "apps/v1"),
        ("extensions/v1beta1", "ReplicaSet", "v1.16", "apps/v1"),
        ("batch/v1beta1", "CronJob", "v1.25", "batch/v1"),
        ("batch/v2alpha1", "CronJob", "v1.21", "batch/v1"),
    ],
)
def test_removed_api_versions(api_version: str, kind: str, release: str, served: str) -> None:
    text = f"apiVersion: {api_version}\nkind: {kind}\nmetadata: {{name: x}}\nspec: {{}}\n"
    (problem,) = problems_of(text)
    assert problem.field == "apiVersion"
    assert "no longer served" in problem.message
    assert release in problem.message
    assert problem.message.endswith(f"use apiVersion {served}")


@pytest.mark.parametrize("api_version", ["v1", "networking.k8s.io/v2", "apps/v1"])
def test_unknown_api_version_for_a_known_kind(api_version: str) -> None:
    text = f"apiVersion: {api_version}\nkind: NetworkPolicy\nmetadata: {{name: x}}\n"
    (problem,) = problems_of(text)
    assert problem.field == "apiVersion"
    assert problem.message == (
        f'no matches for kind "NetworkPolicy" in version "{api_version}": '
        "use apiVersion networking.k8s.io/v1"
    )


def test_missing_api_version() -> None:
    (problem,) = problems_of("kind: Namespace\nmetadata: {name: x}\n")
    assert (problem.field, problem.message) == (
        "apiVersion",
        "Required value: use v1 for Namespace",
    )
