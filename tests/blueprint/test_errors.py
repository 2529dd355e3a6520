"""Blueprint mistakes: one line each, naming file, line and field, with a hint."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from netfence.blueprint import load_blueprint, parse_blueprint
from netfence.problems import InputError
from tests.blueprint.helpers import base, parse

Edit = Callable[[dict[str, Any]], None]


def _errors(data: dict[str, Any]) -> list[str]:
    with pytest.raises(InputError) as caught:
        parse(data)
    return [p.render() for p in caught.value.problems]


def _set(path: str, value: Any) -> Edit:
    def edit(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = data
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[int(last) if last.isdigit() else last] = value

    return edit


def _edge(data: dict[str, Any]) -> None:
    """An ingress controller's namespace netfence does not isolate, with one workload."""
    data["namespaces"]["edge"] = {"role": "ingress-controller", "isolate": False}
    data["workloads"]["proxy"] = {
        "namespace": "edge",
        "selector": {"app": "proxy"},
        "ports": [8000],
    }


def _then(*edits: Edit) -> Edit:
    def edit(data: dict[str, Any]) -> None:
        for one in edits:
            one(data)

    return edit


CASES: list[tuple[str, Edit, str]] = [
    (
        "gateway that no flow reaches",
        _set("namespaces.web.role", "gateway"),
        "workloads.front: gateway 'front' (namespace 'web' has role gateway) admits no client",
    ),
    (
        "flow into a namespace netfence does not isolate",
        _then(_edge, _set("flows.0.to", "proxy")),
        "flows[0].to: 'proxy' is in namespace 'edge', which has isolate: false",
    ),
    (
        "labels on a namespace netfence does not isolate",
        _then(_edge, _set("namespaces.edge.labels", {"a": "b"})),
        "namespaces.edge.labels: netfence never writes to a namespace with isolate: false",
    ),
    (
        "unknown workload in a flow",
        _set("flows.0.to", "modle"),
        "flows[0].to: 'modle' is neither a workload nor an external (did you mean 'model'?)",
    ),
    (
        "port out of range",
        _set("flows.0.ports", [70000]),
        "flows[0].ports[0]: port 70000 is out of range (1-65535)",
    ),
    (
        "port not served",
        _set("flows.0.ports", [8001]),
        "flows[0].ports[0]: workload 'model' does not serve 8001/TCP (it serves 8000/TCP, "
        "9000/UDP; add it to workloads.model.ports)",
    ),
    (
        "bad protocol",
        _set("flows.0.ports", ["53/DNS"]),
        "flows[0].ports[0]: protocol 'DNS' is not one of TCP, UDP, SCTP",
    ),
    (
        "overlapping CIDRs",
        _set("externals.internet.cidrs", ["0.0.0.0/0", "1.2.3.0/24"]),
        "externals.internet.cidrs[1]: 1.2.3.0/24 overlaps 0.0.0.0/0 (list each address once)",
    ),
    (
        "CIDR with host bits",
        _set("externals.internet.cidrs", ["10.0.0.1/8"]),
        "externals.internet.cidrs[0]: '10.0.0.1/8' has host bits set (did you mean 10.0.0.0/8?)",
    ),
    (
        "invalid CIDR",
        _set("externals.internet.cidrs", ["10.0.0.300/8"]),
        "externals.internet.cidrs[0]: '10.0.0.300/8' is not a valid IPv4 or IPv6 CIDR",
    ),
    (
        "except outside the cidrs",
        _set("externals.internet.except", ["0.0.0.0/0"]),
        "externals.internet.except[0]: 0.0.0.0/0 is not strictly inside any of the cidrs",
    ),
    (
        "external inside the pod range",
        _set("externals.internet", {"cidrs": ["10.244.3.0/24"]}),
        "externals.internet.cidrs[0]: 10.244.3.0/24 lies inside the cluster's pod CIDR",
    ),
    (
        "selector syntax",
        _set("workloads.front.selector", {"app/x/y": "front"}),
        "workloads.front.selector.app/x/y: label key 'app/x/y': the prefix must be a DNS subdomain",
    ),
    (
        "label value syntax",
        _set("workloads.front.selector", {"app": "-front"}),
        "workloads.front.selector.app: label value '-front' must be at most 63 characters",
    ),
    (
        "overlapping workloads",
        _set("workloads.all", {"namespace": "ml"}),
        "workloads.all.selector: can select the same pods as workload 'model' in namespace 'ml'",
    ),
    (
        "unknown field",
        _set("workloads.front.port", [1]),
        "workloads.front.port: unknown field (did you mean 'ports'?",
    ),
    (
        "wrong type",
        _set("namespaces.web.labels", {"tier": 1}),
        "namespaces.web.labels.tier: expected text, got 1 (quote it: '1')",
    ),
    (
        "wrong type for a switch",
        _set("options", {"defaultDeny": "maybe"}),
        "options.defaultDeny: expected true or false, got 'maybe'",
    ),
    (
        "unknown role",
        _set("namespaces.ml.role", "inferenc"),
        "namespaces.ml.role: 'inferenc' is not one of",
    ),
    (
        "undeclared namespace",
        _set("workloads.front.namespace", "webb"),
        "workloads.front.namespace: namespace 'webb' is not declared under namespaces "
        "(did you mean 'web'?)",
    ),
    (
        "missing field",
        lambda data: data.pop("namespaces"),
        "namespaces: required field is missing",
    ),
]


@pytest.mark.parametrize(("edit", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_mistake_is_one_line_with_file_and_field(edit: Edit, expected: str) -> None:
    data = base()
    edit(data)
    errors = _errors(data)
    assert len(errors) == 1, errors
    file, line, rest = errors[0].split(":", 2)
    assert file == "bp.yaml"
    assert int(line) > 0
    assert rest.strip().startswith(expected)


def test_line_points_at_the_field(tmp_path: Path) -> None:
    path = tmp_path / "bp.yaml"
    path.write_text(
        "apiVersion: netfence.dev/v1alpha1\n"
        "kind: Blueprint\n"
        "metadata: {name: x}\n"
        "namespaces:\n"
        "  web: {role: custom}\n"
        "workloads:\n"
        "  a: {namespace: web, ports: [8080]}\n"
        "flows:\n"
        "  - from: a\n"
        "    to: b\n"
        "    ports: [80]\n"
    )
    with pytest.raises(InputError) as caught:
        load_blueprint(str(path))
    assert [p.render() for p in caught.value.problems] == [
        f"{path}:10: flows[0].to: 'b' is neither a workload nor an external (known: a)"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: [", "bp.yaml:2: YAML syntax error"),
        ("a: 1\n---\nb: 2\n", "bp.yaml:1: expected one YAML document, found 2"),
        ("- 1\n", "bp.yaml:1: a blueprint is a mapping"),
        ("a: 1\na: 2\n", "bp.yaml:2: duplicate key 'a'"),
    ],
)
def test_unreadable_documents(text: str, expected: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_blueprint(text, "bp.yaml")
    assert caught.value.problems[0].render().startswith(expected)


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        load_blueprint(str(tmp_path / "nope.yaml"))
    assert "cannot read" in caught.value.problems[0].render()


def test_all_mistakes_are_reported_in_line_order() -> None:
    data = base()
    data["flows"][0]["ports"] = [0]
    data["namespaces"]["ml"]["role"] = "model"
    errors = _errors(data)
    assert [e.split(": ", 2)[1] for e in errors] == ["namespaces.ml.role", "flows[0].ports[0]"]
    lines = [int(e.split(":")[1]) for e in errors]
    assert lines == sorted(lines)
