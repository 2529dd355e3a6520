"""Input strings cannot change the shape of what netfence writes (issue 20)."""

from __future__ import annotations

from pathlib import Path

import yaml
from typer.testing import CliRunner

from netfence.blueprint import generate
from netfence.blueprint.builtins import template_text
from netfence.cli.app import app
from tests.blueprint.helpers import base, parse

INJECTED = (
    "harmless\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
    "metadata: {name: allow-all, namespace: ml}\nspec: {podSelector: {}, ingress: [{}]}"
)


def _hostile() -> dict[str, object]:
    data = base()
    data["flows"][0]["description"] = INJECTED  # type: ignore[index]
    data["workloads"]["model"]["description"] = "x\u2028kind: Secret\r\x85y"  # type: ignore[index]
    return data


def _names(text: str) -> list[tuple[str, str]]:
    docs = [d for d in yaml.safe_load_all(text) if d]
    return [(d["kind"], d["metadata"]["name"]) for d in docs]


def test_a_description_cannot_inject_a_document(tmp_path: Path) -> None:
    path = tmp_path / "bp.yaml"
    path.write_text(yaml.safe_dump(_hostile()), encoding="utf-8")
    result = CliRunner().invoke(app, ["generate", str(path), "-o", "-"])
    assert result.exit_code == 0, result.output
    clean = generate(parse(base()))
    assert _names(result.stdout) == _names(clean.stream())
    assert "allow-all" not in [name for _, name in _names(result.stdout)]
    comments = [line for line in result.stdout.splitlines() if "harmless" in line]
    assert comments and all(line.startswith("#") for line in comments)
    assert "harmless\\n---\\napiVersion" in comments[0]


def test_every_line_of_every_file_is_yaml_or_one_comment_line() -> None:
    for text in generate(parse(_hostile())).files().values():
        for line in text.split("\n"):
            assert line.isprintable()
        list(yaml.safe_load_all(text))


def test_a_namespace_named_kustomization_plans_like_any_other(tmp_path: Path) -> None:
    data = base()
    data["namespaces"]["kustomization"] = data["namespaces"].pop("ml")  # type: ignore[attr-defined]
    data["workloads"]["model"]["namespace"] = "kustomization"  # type: ignore[index]
    path = tmp_path / "bp.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    result = CliRunner().invoke(app, ["plan", str(path), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    kustomization = yaml.safe_load((tmp_path / "out" / "kustomization.yaml").read_text())
    assert kustomization["kind"] == "Kustomization"
    resources = sorted(kustomization["resources"])
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        [*resources, "kustomization.yaml", "namespace-labels.yaml"]
    )
    labels = (tmp_path / "out" / "namespace-labels.yaml").read_text()
    namespaces = [d["metadata"]["name"] for d in yaml.safe_load_all(labels)]
    assert sorted(namespaces) == ["kustomization", "web"]


def test_a_namespace_named_guardrails_keeps_its_policies_apart(tmp_path: Path) -> None:
    data = yaml.safe_load(template_text("ai-mesh").replace("ai-data", "guardrails"))
    data["guardrails"] = {"denyInternet": True, "protectModelStorage": True}
    path = tmp_path / "bp.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["plan", str(path), "--tiers", "v1alpha2", "-o", str(out)])
    assert result.exit_code == 0, result.output
    kinds = {p.name: {d["kind"] for d in yaml.safe_load_all(p.read_text())} for p in out.iterdir()}
    assert kinds["guardrails.yaml"] == {"ClusterNetworkPolicy"}
    assert kinds["ns-guardrails.yaml"] == {"NetworkPolicy"}
    assert kinds["namespace-labels.yaml"] == {"Namespace"}
    assert "ClusterNetworkPolicy" not in kinds["ns-guardrails.yaml"]
