"""Shared helpers: validate YAML text the way ``netfence validate`` does."""

from __future__ import annotations

from typing import Any

import yaml

from netfence.load import Limits, load_text
from netfence.problems import Problem
from netfence.validate import ValidationMode, validate_document


def problems_of(text: str, mode: ValidationMode = "strict") -> list[Problem]:
    """Loader and validator problems of a YAML stream."""
    loaded = load_text(text, "test.yaml", "default", Limits())
    found = list(loaded.problems)
    for doc in loaded.documents:
        found.extend(validate_document(doc, mode))
    return found


def fields_of(text: str, mode: ValidationMode = "strict") -> list[str]:
    """The field paths of every error, in order."""
    return [p.field for p in problems_of(text, mode) if p.severity == "error"]


def manifest(kind: str, spec: Any = None, **meta: Any) -> str:
    """A manifest of ``kind`` as YAML, named ``foo`` in namespace ``bar`` unless told."""
    api = {
        "NetworkPolicy": "networking.k8s.io/v1",
        "Deployment": "apps/v1",
        "StatefulSet": "apps/v1",
        "DaemonSet": "apps/v1",
        "ReplicaSet": "apps/v1",
        "Job": "batch/v1",
        "CronJob": "batch/v1",
    }.get(kind, "v1")
    metadata = {"name": "foo", **({} if kind == "Namespace" else {"namespace": "bar"}), **meta}
    data: dict[str, Any] = {"apiVersion": api, "kind": kind, "metadata": metadata}
    if spec is not None:
        data["spec"] = spec
    return yaml.safe_dump(data, sort_keys=False)
