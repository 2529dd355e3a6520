"""diff sees changes the tiers make, fqdn destinations included."""

from __future__ import annotations

from pathlib import Path

from netfence.diff.compare import compare
from netfence.inputs import read_inputs
from netfence.model import Cluster
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
