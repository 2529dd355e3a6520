"""diff sees changes the tiers make, fqdn destinations included."""

from __future__ import annotations

from pathlib import Path

from netfence.diff.compare import compare
from netfence.inputs import read_inputs
from netfence.model import Cluster
from tests.conftest import run_cli
from tests.tiers.houses import anp, dump, houses, pod, rule, world


def test_an_admin_deny_turned_pass_adds_connections(tmp_path: Path) -> None:
    def cluster(action: str) -> Cluster:
        policy = anp(
            "egress",
            3,
            houses("gryffindor"),
            egress=[
                rule("deny-s", action, [houses("slytherin")]),
                rule("deny-web", action, [{"domainNames": ["*.example.com"]}]),
            ],
        )
        path = tmp_path / f"{action}.yaml"
        path.write_text(dump([*world(), policy]))
        return read_inputs([str(path)]).cluster

    result = compare(cluster("Deny"), cluster("Pass"))
    added = {(c.src, c.dst) for c in result.changes if c.kind == "added"}
    assert (pod("gryffindor", 0), pod("slytherin", 1)) in added
    assert (pod("gryffindor", 1), "fqdn:*.example.com") in added
    assert not [c for c in result.changes if c.kind == "removed"]
    assert all(c.tier is None for c in result.changes)  # passed on: no tier decides now
    back = compare(cluster("Pass"), cluster("Deny"))
    assert {c.tier for c in back.changes} == {"Admin"}


def test_text_and_markdown_say_which_tier_decides(tmp_path: Path) -> None:
    def write(action: str) -> str:
        policy = anp(
            "egress", 3, houses("gryffindor"), egress=[rule("s", action, [houses("slytherin")])]
        )
        path = tmp_path / f"{action}.yaml"
        path.write_text(dump([*world(), policy]))
        return str(path)

    old, new = write("Pass"), write("Deny")
    text = run_cli("diff", old, new)
    removed = [line for line in text.stdout.splitlines() if line.startswith("- ")]
    assert removed and all(line.endswith("[Admin tier]") for line in removed), text.stdout
    markdown = run_cli("diff", old, new, "--format", "md").stdout
    assert "[Admin tier] |" in markdown
    opened = run_cli("diff", new, old).stdout
    assert "+ " in opened and "tier]" not in opened
