"""Property: the diff's port sets agree with the engine's verdicts on every boundary port."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from netfence.diff import compare
from netfence.engine import Engine
from tests.diff.test_compare import PODS, cluster, ingress

port_ranges = st.lists(
    st.tuples(st.integers(1, 65000), st.integers(0, 400), st.sampled_from(["TCP", "UDP"])),
    min_size=1,
    max_size=3,
)


def policy(ranges: list[tuple[int, int, str]]) -> str:
    ports = ", ".join(
        f"{{port: {lo}, endPort: {lo + width}, protocol: {proto}}}" for lo, width, proto in ranges
    )
    return PODS + ingress(f"[{ports}]")


@settings(max_examples=40, deadline=None)
@given(old_ranges=port_ranges, new_ranges=port_ranges)
def test_changes_are_exactly_the_verdicts_that_flip(
    old_ranges: list[tuple[int, int, str]], new_ranges: list[tuple[int, int, str]]
) -> None:
    old, new = cluster(policy(old_ranges)), cluster(policy(new_ranges))
    result = compare(old, new)
    before, after = Engine(old), Engine(new)
    edges = {lo + d for lo, width, _ in old_ranges + new_ranges for d in (-1, 0, width, width + 1)}
    pair = ("app/client", "app/server")
    for protocol in ("TCP", "UDP"):
        added = [c.ports for c in result.added if (c.src, c.dst, c.protocol) == (*pair, protocol)]
        removed = [
            c.ports for c in result.removed if (c.src, c.dst, c.protocol) == (*pair, protocol)
        ]
        for port in sorted(p for p in edges if 1 <= p <= 65535):
            was = before.verdict(*pair, port, protocol).allowed
            now = after.verdict(*pair, port, protocol).allowed
            assert any(port in ports for ports in added) == (now and not was), (protocol, port)
            assert any(port in ports for ports in removed) == (was and not now), (protocol, port)
