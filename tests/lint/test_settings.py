"""Config file, rule switches, roles and the library entry point."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest

from netfence.inputs import read_inputs
from netfence.lint import Finding, LintOptions, lint_cluster
from netfence.lint.config import UnknownRuleError, find_config, load_config, switch_rules
from netfence.lint.options import ALL_RULES
from netfence.lint.roles import (
    merge_roles,
    roles_from_file,
    roles_from_labels,
    roles_from_workloads,
)
from netfence.problems import InputError
from tests.conftest import ROOT
from tests.lint.test_guide import GUIDE


def test_switches_apply_disable_then_enable() -> None:
    assert switch_rules(ALL_RULES, ["all"], ["dns-tcp-blocked"]) == {"dns-tcp-blocked"}
    assert "redundant-rule" not in switch_rules(ALL_RULES, ["redundant-rule"], [])
    with pytest.raises(UnknownRuleError, match="did you mean redundant-rule"):
        switch_rules(ALL_RULES, ["redundant-rules"], [])


def test_config_values(tmp_path: Path) -> None:
    path = tmp_path / ".netfence.yaml"
    path.write_text(
        "lint:\n  dns-ip: 169.254.20.10\n  pod-cidr: [10.0.0.0/16, fd00::/48]\n"
        "  ipblock-pods: ignore\n  disable: [redundant-rule]\n"
    )
    assert find_config(None, str(tmp_path)) == str(path)
    config = load_config(str(path))
    assert config.dns_ip == (ipaddress.ip_address("169.254.20.10"),)
    assert config.pod_cidr == (
        ipaddress.ip_network("10.0.0.0/16"),
        ipaddress.ip_network("fd00::/48"),
    )
    assert (config.ipblock_pods, config.disable, config.fail_on) == (
        "ignore",
        ("redundant-rule",),
        None,
    )


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            "lint:\n  fail-on: sometimes\n",
            2,
            "'sometimes' is not one of error, warning, info, never",
        ),
        ("lint:\n  disable: [dns]\n", 2, "unknown lint rule 'dns'"),
        ("lint:\n  pod-cidr: 10.0.0.1/8\n", 2, "has host bits set"),
        ("lint: [a]\n", 1, "must be a mapping"),
    ],
)
def test_config_errors_name_the_line(tmp_path: Path, text: str, line: int, message: str) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(text)
    with pytest.raises(InputError) as caught:
        load_config(str(path))
    [problem] = caught.value.problems
    assert problem.source.line == line
    assert message in problem.message


def test_roles_from_labels_file_and_aliases(tmp_path: Path) -> None:
    cluster = read_inputs([str(ROOT / GUIDE)]).cluster
    assert roles_from_labels(cluster) == {
        "ai-inference": "inference",
        "ai-agents": "agents",
        "ai-data": "data",
    }
    assert roles_from_workloads(cluster) == {
        "ai-inference/vllm-0": "inference",
        "ai-agents/weaviate-0": "vector-db",
        "ai-data/minio-0": "data",
    }
    path = tmp_path / "roles.yaml"
    path.write_text("gateway: gateway\nai-data: model-storage\nai-agents/weaviate-0: VectorDB\n")
    assert roles_from_file(str(path)) == {
        "gateway": "gateway",
        "ai-data": "data",
        "ai-agents/weaviate-0": "vector-db",
    }
    assert merge_roles({"a": "agent"}, {"a": "storage"}) == {"a": "data"}
    path.write_text("gateway: [x]\n")
    with pytest.raises(InputError, match="non-empty string"):
        roles_from_file(str(path))


def test_lint_cluster_contract_and_role_precedence() -> None:
    cluster = read_inputs([str(ROOT / GUIDE)]).cluster
    options = LintOptions(rules=frozenset({"egress-to-internet"}))
    guessed = {f.obj: f.severity for f in lint_cluster(cluster, options=options)}
    assert all(isinstance(f, Finding) for f in lint_cluster(cluster, options=options))
    assert guessed["Pod/ai-agents/weaviate-0"] == "warning"  # app: weaviate -> vector-db
    assert guessed["Pod/ai-data/minio-0"] == "error"  # purpose: data
    given = lint_cluster(cluster, roles={"ai-agents/weaviate-0": "inference"}, options=options)
    assert {f.obj: f.severity for f in given}["Pod/ai-agents/weaviate-0"] == "error"


def test_netfence_role_label_wins_over_purpose(tmp_path: Path) -> None:
    path = tmp_path / "ns.yaml"
    path.write_text(
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: store\n"
        "  labels: {netfence.dev/role: model-storage, purpose: misc}\n"
    )
    assert roles_from_labels(read_inputs([str(path)]).cluster) == {"store": "data"}
