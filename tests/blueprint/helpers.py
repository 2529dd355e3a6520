"""Building blueprints in tests: a minimal valid one, edited per test."""

from __future__ import annotations

import copy
from typing import Any

import yaml

from netfence.blueprint import Blueprint, parse_blueprint

BASE: dict[str, Any] = {
    "apiVersion": "netfence.dev/v1alpha1",
    "kind": "Blueprint",
    "metadata": {"name": "test"},
    "cluster": {"podCIDRs": ["10.244.0.0/16"], "serviceCIDRs": ["10.96.0.0/12"]},
    "namespaces": {"web": {"role": "custom"}, "ml": {"role": "inference"}},
    "workloads": {
        "front": {"namespace": "web", "selector": {"app": "front"}, "ports": [8080]},
        "model": {"namespace": "ml", "selector": {"app": "model"}, "ports": [8000, "9000/UDP"]},
    },
    "externals": {"internet": {"cidrs": ["0.0.0.0/0"], "except": ["10.0.0.0/8"]}},
    "flows": [{"from": "front", "to": "model", "ports": [8000]}],
}


def base() -> dict[str, Any]:
    """A fresh copy of a small valid blueprint, as data."""
    return copy.deepcopy(BASE)


def parse(data: dict[str, Any], file: str = "bp.yaml") -> Blueprint:
    """Parse blueprint data through the YAML loader, as a file would be."""
    return parse_blueprint(yaml.safe_dump(data, sort_keys=False), file)
