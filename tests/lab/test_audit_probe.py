"""A representative subset of the audit cases (``tests/engine/audit_cases.py``) measured on the
lab's kernel data plane, with and without status.podIP, against the hand-written expectations."""

from __future__ import annotations

from pathlib import Path

import pytest

from netfence.inputs import read_inputs
from netfence.lab.addresses import assigned_addresses, with_lab_addresses
from netfence.lab.nft import compile_ruleset
from tests.engine.audit_cases import Case, Query, differences, load_cases, measured

SUBSET = {
    ("deny-all-with-exceptions", "ip", 80, "TCP"),
    ("egress-named-port", "noip", 8081, "TCP"),
    ("named-port-protocol-mismatch", "ip", 81, "TCP"),
    ("end-port", "noip", 81, "UDP"),
    ("empty-egress-list-no-types", "noip", 81, "UDP"),
    ("ipblock-except-egress", "ip", 80, "TCP"),
    ("ipblock-unknown-pod-ips", "noip", 80, "TCP"),
    ("ipblock-ipv6", "dual", 80, "TCP"),
}
CASES = {case.name: case for case in load_cases()}
RUNS = [
    pytest.param(
        CASES[name], cluster, query, id=f"{name}-{cluster}-{port}-{protocol}-{query.reading}"
    )
    for name, cluster, port, protocol in sorted(SUBSET)
    for query in CASES[name].queries
    if (query.port, query.protocol) == (port, protocol)
]


def test_subset_names_existing_queries() -> None:
    assert len(RUNS) >= len(SUBSET)


@pytest.mark.lab
@pytest.mark.parametrize(("case", "cluster", "query"), RUNS)
def test_lab_probe_matches_hand_written_expectation(
    case: Case, cluster: str, query: Query, tmp_path: Path
) -> None:
    directory = case.directory(cluster, tmp_path / case.name)
    wrong = differences(query.expected, measured("lab probe", directory, query))
    assert not wrong, "\n".join(wrong)


def test_ipblocks_never_match_addresses_the_lab_made_up(tmp_path: Path) -> None:
    directory = CASES["ipblock-except-egress"].directory("noip", tmp_path / "noip")
    original = read_inputs([str(directory)]).cluster
    addressed = with_lab_addresses(original)
    unknown = assigned_addresses(original, addressed)
    assert len(unknown) == 9
    source = addressed.endpoint("x/a")
    assert source is not None
    ruleset = compile_ruleset(addressed, source, "match", unknown)
    assert (
        "ip daddr 10.244.0.0/16 ip daddr != { 10.244.2.11/32 } ip daddr != @unknown_v4" in ruleset
    )
    assert all(str(ip) in ruleset for ip in unknown)
    assert "@unknown_v4" not in compile_ruleset(addressed, source, "match")
