"""explain and analyze say which tier decided, and where the API leaves the order open."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from netfence.cli.app import app
from tests.tiers.houses import anp, cnp, dump, houses, network_policy, pod, rule, world

G, S = "gryffindor", "slytherin"
ALLOW_ALL_EGRESS = network_policy(
    "allow-egress", G, {"podSelector": {}, "policyTypes": ["Egress"], "egress": [{}]}
)


def _write(tmp_path: Path, policies: list[dict[str, object]]) -> Path:
    (tmp_path / "in.yaml").write_text(dump([*world(), *policies]))
    return tmp_path


def test_explain_names_the_admin_rule_and_what_networkpolicy_would_have_done(
    tmp_path: Path,
) -> None:
    folder = _write(
        tmp_path,
        [
            anp(
                "deny-model-egress", 5, houses(G), egress=[rule("no-internet", "Deny", [houses(S)])]
            ),
            ALLOW_ALL_EGRESS,
        ],
    )
    result = CliRunner().invoke(app, ["explain", str(folder), pod(G, 0), pod(S, 0), "80"])
    assert result.exit_code == 0, result.output
    assert (
        "denied at Admin tier by ANP deny-model-egress priority 5, egress rule 'no-internet'"
        in result.stdout
    )
    assert "the namespace's NetworkPolicy would have allowed it" in result.stdout
    assert "kind: NetworkPolicy" not in result.stdout  # no NetworkPolicy can fix it


def test_same_priority_conflicts_are_said_in_json_text_and_explain(tmp_path: Path) -> None:
    folder = _write(
        tmp_path,
        [
            anp("a-deny", 5, houses(G), egress=[rule("deny", "Deny", [houses(S)])]),
            cnp("b-accept", "Admin", 5, houses(G), egress=[rule("accept", "Accept", [houses(S)])]),
        ],
    )
    result = CliRunner().invoke(app, ["analyze", str(folder), "--port", "80", "--format", "json"])
    assert result.exit_code == 0, result.output
    notes = json.loads(result.stdout)["tier_notes"]
    assert any("AdminNetworkPolicy/a-deny and ClusterNetworkPolicy/b-accept" in n for n in notes)
    assert "note: AdminNetworkPolicy/a-deny" in result.stderr
    explained = CliRunner().invoke(app, ["explain", str(folder), pod(G, 0), pod(S, 0), "80"])
    assert "ClusterNetworkPolicy/b-accept has the same priority" in explained.stdout
