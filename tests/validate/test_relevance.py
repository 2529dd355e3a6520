"""Connectivity-relevant problems stay errors in analysis commands; the rest are warnings."""

from __future__ import annotations

from typing import Any

import pytest

from netfence.validate import field_errors
from netfence.validate.relevance import is_relevant


def _pod(**spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p", "namespace": "n", "labels": {"app": "a"}},
        "spec": {"containers": [{"name": "c", "image": "i"}], **spec},
    }


@pytest.mark.parametrize(
    ("kind", "path", "message", "relevant"),
    [
        ("NetworkPolicy", ("spec", "ingress", 0, "from"), "Invalid value", True),
        ("NetworkPolicy", ("spec", "ingres"), 'unknown field "spec.ingres"', True),
        ("NetworkPolicy", ("status",), 'unknown field "status"', False),
        ("NetworkPolicy", ("metadata", "name"), "Invalid value: a_b", False),
        ("NetworkPolicy", ("metadata", "name"), "Required value", True),
        ("Namespace", ("metadata", "name"), "Invalid value: a_b", True),
        ("Pod", ("metadata", "labels"), "Invalid value", True),
        ("Pod", ("spec", "containers", 0, "ports", 0, "name"), "Invalid value", True),
        ("Pod", ("spec", "containers", 0, "image"), "Required value", False),
        ("Pod", ("spec", "containers", 0), "Invalid type: expected an object", True),
        ("Pod", ("spec", "containers"), "Required value", False),
        ("Pod", ("metadata", "ownerReferences", 0, "uid"), "Invalid value", False),
        ("Deployment", ("spec", "template", "metadata", "labels"), "Invalid value", True),
        ("Deployment", ("spec", "selector"), "Invalid value", True),
        ("Deployment", ("spec", "replicas"), "Invalid value", False),
        ("CronJob", ("spec", "jobTemplate", "spec", "template", "spec", "hostNetwork"), "x", True),
        ("Service", ("spec", "ports", 1, "name"), "Required value", False),
        ("Service", ("spec", "ports", 1, "targetPort"), "Invalid value", True),
        ("Service", ("spec", "selector"), "Invalid value", True),
    ],
)
def test_relevance_by_kind_and_path(
    kind: str, path: tuple[str | int, ...], message: str, relevant: bool
) -> None:
    assert is_relevant(kind, path, message) is relevant


def test_neutral_type_errors_do_not_hide_relevant_semantic_errors() -> None:
    pod = _pod(terminationGracePeriodSeconds="soon")
    pod["spec"]["containers"][0]["ports"] = [{"containerPort": 70000}]
    errors = field_errors(pod, "connectivity")
    assert [(e.path, e.warning) for e in errors] == [
        (("spec", "terminationGracePeriodSeconds"), True),
        (("spec", "containers", 0, "ports", 0, "containerPort"), False),
    ]
    strict = field_errors(pod, "strict")
    assert [(e.path, e.warning) for e in strict] == [
        (("spec", "terminationGracePeriodSeconds"), False)
    ]


def test_modes_for_unknown_fields() -> None:
    pod = _pod(hostNetwrk=True)
    pod["spec"]["containers"][0]["imagePullPolicyy"] = "x"
    by_mode = {
        mode: sorted((str(e.path[-1]), e.warning) for e in field_errors(pod, mode))
        for mode in ("strict", "connectivity", "warn", "ignore")
    }
    assert by_mode["strict"] == [("hostNetwrk", False), ("imagePullPolicyy", False)]
    # An unknown field of a pod spec is neutral: no known field is misspelt into it.
    assert by_mode["connectivity"] == [("hostNetwrk", True), ("imagePullPolicyy", True)]
    assert by_mode["warn"] == [("hostNetwrk", True), ("imagePullPolicyy", True)]
    assert by_mode["ignore"] == []
