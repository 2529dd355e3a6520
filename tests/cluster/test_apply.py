"""Apply: plan, order, server-side apply with field manager netfence, conflicts, prune."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from netfence.cluster.apply import apply_plan
from netfence.cluster.applyplan import model_of, plan_apply, projected
from netfence.cluster.connect import Connection
from netfence.cluster.desired import DesiredState, from_folder
from netfence.cluster.errors import ApiStatusError, ClusterError
from netfence.cluster.snapshot import SnapshotOptions, take
from netfence.engine import Engine
from netfence.vocabulary import MANAGED_BY_LABEL
from tests.cluster.fakeapi import FakeApiServer, FakeCluster, Fault
from tests.cluster.objects import ALLOW_DNS, DENY_ALL, policy
from tests.conftest import run_cli_in_process


def state(fake: FakeCluster) -> list[dict[str, Any]]:
    return [o for kind in ("Namespace", "Pod", "NetworkPolicy") for o in fake.objects(kind)]


def dns_reachable_everywhere(fake: FakeCluster) -> bool:
    engine = Engine(model_of(state(fake), "stand-in"))
    sources = [e for e in engine.endpoints if e.namespace != "kube-system"]
    return all(engine.verdict(e, "kube-system/coredns-0", 53, "UDP").allowed for e in sources)


def plan_for(connection: Connection, source: Path, prune: bool = False) -> Any:
    return plan_apply(from_folder(str(source)), take(connection, SnapshotOptions()), prune)


def test_plan_orders_labels_then_dns_then_allows_then_deny(
    live: FakeCluster, connection: Connection, source: Path
) -> None:
    plan = plan_for(connection, source)
    order = [s.ident for s in plan.changes]
    assert order[:3] == ["Namespace/ai-inference", "Namespace/ai-data", "Namespace/gateway"]
    names = [ident.rsplit("/", 1)[1] for ident in order[3:]]
    allows = ["allow-from-inference", "allow-from-gateway", "allow-to-inference"]
    assert names == ["allow-dns"] * 3 + allows + ["deny-all"] * 3
    assert plan.changes[0].detail == "label purpose=inference"
    assert "kubernetes.io/metadata.name" not in plan.changes[0].body["metadata"]["labels"]


def test_apply_writes_with_field_manager_and_second_run_is_a_no_op(
    live: FakeCluster, kubeconfig: Path, source: Path
) -> None:
    result = run_cli_in_process("apply", str(source), "--kubeconfig", str(kubeconfig), "--yes")
    assert result.returncode == 0, result.stderr
    assert "3 to change" in result.stdout and "9 to create" in result.stdout
    assert "- gateway/gateway-0 -> ext:" in result.stdout  # egress that deny-all removes
    deny = live.get("NetworkPolicy", "ai-data", "deny-all")
    assert deny is not None and deny["metadata"]["labels"][MANAGED_BY_LABEL] == "netfence"
    assert [m["manager"] for m in deny["metadata"]["managedFields"]] == ["netfence"]
    ns = live.get("Namespace", "", "ai-data")
    assert ns is not None and ns["metadata"]["labels"]["purpose"] == "data"
    patches = [r for r in live.requests if r.method == "PATCH"]
    assert {r.content_type for r in patches} == {"application/apply-patch+yaml"}
    assert all(r.query["fieldManager"] == "netfence" for r in patches)
    assert sum(r.query.get("dryRun") == "All" for r in patches) == len(patches) // 2
    again = run_cli_in_process("apply", str(source), "--kubeconfig", str(kubeconfig), "--yes")
    assert again.returncode == 0 and "nothing to change" in again.stdout


def test_conflict_is_reported_and_nothing_changes(
    live: FakeCluster, kubeconfig: Path, source: Path
) -> None:
    udp_only = {
        **ALLOW_DNS,
        "egress": [{**ALLOW_DNS["egress"][0], "ports": [{"port": 53, "protocol": "UDP"}]}],
    }
    live.add(policy("ai-data", "allow-dns", udp_only), manager="kubectl-client-side-apply")
    before = state(live)
    result = run_cli_in_process("apply", str(source), "--kubeconfig", str(kubeconfig), "--yes")
    assert result.returncode == 1
    assert (
        'conflict: NetworkPolicy/ai-data/allow-dns: conflict with "kubectl-client-side-apply" '
        "using networking.k8s.io/v1: .spec.egress" in result.stderr
    )
    assert "nothing was changed; rerun with --force" in result.stderr
    assert state(live) == before
    forced = run_cli_in_process(
        "apply", str(source), "--kubeconfig", str(kubeconfig), "--yes", "--force"
    )
    assert forced.returncode == 0, forced.stderr
    taken = live.get("NetworkPolicy", "ai-data", "allow-dns")
    assert taken is not None and len(taken["spec"]["egress"][0]["ports"]) == 2


def test_dry_run_changes_nothing(live: FakeCluster, kubeconfig: Path, source: Path) -> None:
    before = state(live)
    result = run_cli_in_process("apply", str(source), "--kubeconfig", str(kubeconfig), "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "server-side dry run accepted 12 changes; nothing changed" in result.stdout
    assert state(live) == before
    assert all(r.query.get("dryRun") == "All" for r in live.requests if r.method == "PATCH")


@pytest.mark.parametrize("answer", ["n\n", ""])
def test_declined_or_unanswered_prompt_changes_nothing(
    live: FakeCluster, kubeconfig: Path, source: Path, answer: str
) -> None:
    before = state(live)
    result = run_cli_in_process(
        "apply", str(source), "--kubeconfig", str(kubeconfig), stdin=answer.encode()
    )
    assert result.returncode == 1
    assert "Apply 12 changes to context stand-in?" in result.stdout
    assert state(live) == before


def test_apply_without_a_source_is_a_usage_error_and_touches_no_cluster(
    live: FakeCluster, kubeconfig: Path
) -> None:
    result = run_cli_in_process("apply", "--kubeconfig", str(kubeconfig), "--yes")
    assert result.returncode == 2
    assert "netfence apply builtin:ai-mesh" in result.stderr
    assert live.requests == []


def test_target_is_shown_before_the_question_and_in_a_dry_run(
    live: FakeCluster, kubeconfig: Path, source: Path, server: FakeApiServer
) -> None:
    target = f"target: context stand-in, server {server.url}, user stand-in"
    for extra in ("--dry-run", None):
        args = ["apply", str(source), "--kubeconfig", str(kubeconfig)]
        result = run_cli_in_process(*args, *([extra] if extra else []), stdin=b"n\n")
        assert target in result.stdout
        assert result.stdout.index(target) < result.stdout.index("apply plan for")


def test_target_names_the_user_of_the_context_given(tmp_path: Path, server: FakeApiServer) -> None:
    from netfence.cluster.connect import ConnectOptions, connect

    path = server.write_kubeconfig(tmp_path / "config", context="staging")
    connection = connect(ConnectOptions(kubeconfig=str(path), context="staging"))
    assert connection.target() == f"context staging, server {server.url}, user staging"


def test_confirmed_prompt_applies(live: FakeCluster, kubeconfig: Path, source: Path) -> None:
    result = run_cli_in_process("apply", str(source), "--kubeconfig", str(kubeconfig), stdin=b"y\n")
    assert result.returncode == 0, result.stderr
    assert len(live.objects("NetworkPolicy")) == 9


@pytest.mark.parametrize("stop_at", range(12))
def test_interrupted_apply_never_cuts_dns(
    live: FakeCluster, connection: Connection, source: Path, stop_at: int
) -> None:
    plan = plan_for(connection, source)
    live.fail(Fault(method="PATCH", skip=len(plan.changes) + stop_at, drop=True))
    with pytest.raises(ClusterError, match=f"stopped after {stop_at} of 12 changes"):
        apply_plan(connection, plan)
    assert dns_reachable_everywhere(live)


def test_interrupted_cli_run_exits_3(live: FakeCluster, kubeconfig: Path, source: Path) -> None:
    live.fail(Fault(method="PATCH", skip=12 + 5, status=500))
    result = run_cli_in_process("apply", str(source), "--kubeconfig", str(kubeconfig), "--yes")
    assert result.returncode == 3
    assert "stopped after 5 of 12 changes at NetworkPolicy/gateway/allow-dns" in (result.stderr)


def test_prune_deletes_only_stale_managed_policies(
    live: FakeCluster, connection: Connection, source: Path
) -> None:
    live.add(policy("ai-data", "old-rule", DENY_ALL, **{MANAGED_BY_LABEL: "netfence"}))
    live.add(policy("ai-data", "team-rule", DENY_ALL))
    plan = plan_for(connection, source, prune=True)
    assert [s.ident for s in plan.changes if s.action == "prune"] == [
        "NetworkPolicy/ai-data/old-rule"
    ]
    assert plan.changes[-1].action == "prune"
    apply_plan(connection, plan)
    names = {p["metadata"]["name"] for p in live.objects("NetworkPolicy")}
    assert "old-rule" not in names and "team-rule" in names


def test_projection_matches_what_apply_produces(
    live: FakeCluster, connection: Connection, source: Path
) -> None:
    snapshot = take(connection, SnapshotOptions())
    plan = plan_apply(from_folder(str(source)), snapshot, prune=False)
    expected = model_of(projected(snapshot, plan), "planned")
    apply_plan(connection, plan)
    actual = model_of(take(connection, SnapshotOptions()), "applied")
    assert set(expected.policies) == set(actual.policies)
    assert set(expected.namespaces) == set(actual.namespaces)


def test_empty_desired_state_plans_nothing(live: FakeCluster, connection: Connection) -> None:
    plan = plan_apply(DesiredState((), (), "empty"), take(connection, SnapshotOptions()), True)
    assert plan.steps == ()


def test_conflicts_are_read_from_a_status_cause_reason() -> None:
    """kube-apiserver v1.37's 409 body: a cause's type is serialised under ``reason``."""
    body = {
        "kind": "Status",
        "status": "Failure",
        "message": 'Apply failed with 1 conflict: conflict with "platform-team" using '
        "networking.k8s.io/v1: .spec.egress",
        "reason": "Conflict",
        "details": {
            "causes": [
                {
                    "reason": "FieldManagerConflict",
                    "message": 'conflict with "platform-team" using networking.k8s.io/v1',
                    "field": ".spec.egress",
                }
            ]
        },
        "code": 409,
    }
    error = ApiStatusError("409", 409, "Conflict", body)
    assert error.conflicts == [
        'conflict with "platform-team" using networking.k8s.io/v1: .spec.egress'
    ]
