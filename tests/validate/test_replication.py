"""ReplicationControllers: checked as the apiserver checks them, and analysed as workloads."""

from __future__ import annotations

from typing import Any

from netfence.load import Limits, load_text
from netfence.model.build import endpoint
from netfence.model.types import ContainerPort
from tests.validate.helpers import fields_of, manifest


def controller(**spec: Any) -> str:
    template = {
        "metadata": {"labels": {"app": "web"}},
        "spec": {"containers": [{"name": "c", "image": "i", "ports": [{"containerPort": 80}]}]},
    }
    return manifest("ReplicationController", {"template": template, **spec})


def test_a_selector_that_matches_the_template_is_valid() -> None:
    assert fields_of(controller(selector={"app": "web"}, replicas=2)) == []


def test_an_empty_selector_defaults_to_the_template_labels() -> None:
    assert fields_of(controller()) == []


def test_a_selector_that_misses_the_template_labels_is_refused_by_validate_only() -> None:
    """kube-apiserver refuses it; analysis reads the pods with the template's labels."""
    text = controller(selector={"app": "api"})
    assert fields_of(text) == ["spec.template.metadata.labels"]
    assert fields_of(text, "connectivity") == []


def test_template_and_counts_are_checked() -> None:
    text = manifest("ReplicationController", {"selector": {"app": "web"}, "replicas": -1})
    assert fields_of(text) == ["spec.replicas", "spec.template"]


def test_its_pods_are_an_endpoint_with_the_template_labels_and_ports() -> None:
    loaded = load_text(controller(selector={"app": "web"}), "rc.yaml", "default", Limits())
    (doc,) = loaded.documents
    found = endpoint(doc)
    assert (found.kind, found.namespace, found.name) == ("ReplicationController", "bar", "foo")
    assert dict(found.labels) == {"app": "web"}
    assert found.ports == (ContainerPort(80),)
