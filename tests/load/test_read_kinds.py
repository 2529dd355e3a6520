"""The line that refuses an input holding no object netfence reads names what it holds and
every kind netfence reads (Calico's by API group, Cilium's and its ConfigMap too)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from typer.testing import CliRunner

from netfence.cli.app import app
from netfence.load import KNOWN_KINDS
from netfence.load.calico_kinds import CALICO_GROUPS, CALICO_KINDS
from netfence.load.read_kinds import describe_read_kinds, describe_skipped

ROUTE_AND_CONFIGMAP = """\
apiVersion: route.openshift.io/v1
kind: Route
metadata: {name: web, namespace: shop}
spec: {port: {targetPort: 8080}, to: {kind: Service, name: web}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: shop}
data: {mode: demo}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: more, namespace: shop}
data: {mode: demo}
"""


def test_every_kind_read_is_named() -> None:
    text = describe_read_kinds(KNOWN_KINDS)
    for kind in (*KNOWN_KINDS, *CALICO_KINDS, *CALICO_GROUPS, "cilium-config"):
        assert kind in text, kind
    assert "GlobalNetworkPolicy" in text and "Cilium (cilium.io) CiliumCIDRGroup" in text


def test_skipped_kinds_are_counted_most_first() -> None:
    assert describe_skipped(Counter({"Route": 1, "ConfigMap": 2})) == "2 ConfigMap, 1 Route"


def test_folder_of_other_kinds_is_refused_in_one_line_with_exit_1(tmp_path: Path) -> None:
    (tmp_path / "app.yaml").write_text(ROUTE_AND_CONFIGMAP)
    for command in ("analyze", "validate", "lint"):
        result = CliRunner().invoke(app, [command, str(tmp_path)])
        assert result.exit_code == 1, (command, result.output)
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1, lines
        assert lines[0].startswith(f"{tmp_path}: no objects of the kinds netfence reads, only ")
        assert "2 ConfigMap, 1 Route (skipped)" in lines[0]
        assert "Traceback" not in result.output
