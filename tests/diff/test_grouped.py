"""``diff --group``: grouped records are the pod-level diff counted per pair of groups."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netfence.diff import Change, compare
from netfence.diff import grouped as grouped_module
from netfence.model import Cluster
from netfence.report.diff_json import diff_document, render_diff_json
from netfence.report.diff_text import render_diff_text
from tests.diff.test_cli_diff import NEW, OLD, diff
from tests.diff.test_compare import PODS, cluster, ingress
from tests.engine.strategies import clusters, tiered_clusters

LEVELS = ("workload", "namespace")


def _with_workloads(cluster: Cluster, owners: list[int]) -> Cluster:
    """Pods put under two ReplicaSets (or left bare, owner 0) of their namespace."""
    endpoints = tuple(
        replace(e, workload=f"ReplicaSet/rs{owner}" if owner else "")
        for e, owner in zip(cluster.endpoints, owners, strict=False)
    )
    return replace(cluster, endpoints=endpoints)


@st.composite
def pairs_of_sides(draw: st.DrawFn, tiered: bool = False) -> tuple[Cluster, Cluster]:
    """Two policy sets on the same pods (some pods grouped into workloads)."""
    old = draw(tiered_clusters() if tiered else clusters())
    other = draw(tiered_clusters() if tiered else clusters())
    owners = draw(st.lists(st.integers(0, 2), min_size=len(old.endpoints)))
    old = _with_workloads(old, owners)
    return old, replace(other, namespaces=old.namespaces, endpoints=old.endpoints, nodes=old.nodes)


def _key(change: Change, group_of: Callable[[str], str]) -> tuple[object, ...]:
    """A change's kind, groups, protocol, ports and deciding tier."""
    ends = (group_of(change.src), group_of(change.dst))
    return (change.kind, *ends, change.protocol, change.ports, change.tier)


def assert_grouped_is_pod_level_counted(old: Cluster, new: Cluster, level: str) -> None:
    pods = compare(old, new, group="pod")
    ends = {e.id: e for e in old.endpoints}

    def group_of(ident: str) -> str:
        if ident not in ends:
            return ident
        return ends[ident].workload_id if level == "workload" else ends[ident].namespace

    counted: Counter[tuple[object, ...]] = Counter()
    for c in pods.changes:
        counted[(*_key(c, group_of), c.depends_on_address, c.src_cidrs, c.dst_cidrs)] += 1
    result = compare(old, new, group=level)  # type: ignore[arg-type]
    assert result.group == level
    assert result.pod_records == len(pods.changes)
    records = {
        (*_key(c, str), c.depends_on_address, c.src_cidrs, c.dst_cidrs): c.pairs
        for c in result.changes
    }
    assert len(records) == len(result.changes)
    assert records == dict(counted)
    members = Counter(group_of(e.id) for e in old.endpoints)
    for c in result.changes:
        size_src, size_dst = members.get(c.src, 1), members.get(c.dst, 1)
        assert c.of == size_src * size_dst - (size_src if c.src == c.dst else 0)
        assert 1 <= c.pairs <= c.of


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sides=pairs_of_sides(), level=st.sampled_from(LEVELS))
def test_grouped_records_count_the_pod_level_changes(
    sides: tuple[Cluster, Cluster], level: str
) -> None:
    assert_grouped_is_pod_level_counted(*sides, level)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sides=pairs_of_sides(tiered=True), level=st.sampled_from(LEVELS))
def test_grouped_records_keep_the_deciding_tier(sides: tuple[Cluster, Cluster], level: str) -> None:
    assert_grouped_is_pod_level_counted(*sides, level)


def test_auto_lists_pods_while_few_then_groups(monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = diff(OLD, NEW, "--format", "json")
    pods = json.loads(out)
    assert code == 0 and "group" not in pods and pods["added"]
    assert all("pairs" not in r for r in pods["added"] + pods["removed"])
    monkeypatch.setattr(grouped_module, "AUTO_LIMIT", 0)
    code, out, _ = diff(OLD, NEW, "--format", "json")
    grouped = json.loads(out)
    assert code == 0 and grouped["group"] == "namespace"
    summary = grouped["summary"]
    assert summary["pod_records"] == len(pods["added"]) + len(pods["removed"])
    assert summary["pairs_added"] == len(pods["added"])
    assert summary["pairs_removed"] == len(pods["removed"])
    assert all(r["pairs"] <= r["of"] for r in grouped["added"] + grouped["removed"])


def test_text_and_json_say_what_a_grouped_record_counts() -> None:
    old = cluster(PODS + ingress("[{port: 9999}]"))
    new = cluster(PODS + ingress("[{port: web}]"))
    result = compare(old, new, group="namespace")
    text = render_diff_text(result)
    assert "grouped by namespace" in text and "pairs)" in text
    document = json.loads(render_diff_json(result))
    assert document["group"] == "namespace"
    assert [(r["from"], r["to"], r["pairs"], r["of"]) for r in document["added"]] == [
        ("app", "app", 1, 2)
    ]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sides=pairs_of_sides(tiered=True), level=st.sampled_from(("pod", *LEVELS)))
def test_the_fast_json_writer_writes_what_json_dumps_writes(
    sides: tuple[Cluster, Cluster], level: str
) -> None:
    result = compare(*sides, group=level)  # type: ignore[arg-type]
    expected = json.dumps(diff_document(result), indent=2) + "\n"
    assert render_diff_json(result) == expected
