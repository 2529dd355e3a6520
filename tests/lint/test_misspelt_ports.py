"""named-port-unresolved on policies only: a port name one edit from a known one."""

from __future__ import annotations

from pathlib import Path

import pytest

from netfence.inputs import read_inputs
from netfence.lint import LintOptions, lint_inputs
from netfence.lint.api import misspelt

POLICY = """
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: store, namespace: data}
spec:
  podSelector: {}
  policyTypes: [Ingress]
  ingress:
  - ports: [{port: NAME}]
"""


@pytest.mark.parametrize(
    ("name", "near"),
    [("htps", "https"), ("htpts", "https"), ("metrcs", "metrics"), ("grcp", "grpc")],
)
def test_one_edit_from_a_known_name(name: str, near: str) -> None:
    assert misspelt(name, ()) == near


@pytest.mark.parametrize("name", ["https", "metrics", "model-api", "weights"])
def test_known_and_distant_names_are_not_misspelt(name: str) -> None:
    assert misspelt(name, ()) is None


def test_a_name_near_another_the_input_uses() -> None:
    assert misspelt("inferense", ["inference"]) == "inference"


def _findings(tmp_path: Path, name: str) -> list[str]:
    (tmp_path / "p.yaml").write_text(POLICY.replace("NAME", name))
    options = LintOptions(rules=frozenset({"named-port-unresolved"}))
    report = lint_inputs(read_inputs([str(tmp_path)]), options=options)
    return [f.message for f in report.findings]


def test_policies_only_input_reports_the_misspelling(tmp_path: Path) -> None:
    (message,) = _findings(tmp_path, "htps")
    assert "'htps' looks like a misspelling of 'https'" in message


def test_policies_only_input_with_a_good_name_is_clean(tmp_path: Path) -> None:
    assert _findings(tmp_path, "https") == []
