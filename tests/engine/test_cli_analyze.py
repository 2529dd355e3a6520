"""``netfence analyze`` and ``netfence explain`` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli_in_process


def test_analyze_json_has_one_cell_per_pair_and_one_query_per_served_port(
    guide_dir: Path,
) -> None:
    result = run_cli_in_process("analyze", str(guide_dir), "--format", "json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    ids = [e["id"] for e in document["endpoints"]]
    assert "ai-inference/vllm-0" in ids
    served = {(q["port"], q["protocol"]) for q in document["queries"]}
    assert served == {(53, "UDP"), (53, "TCP"), (443, "TCP"), (8000, "TCP"), (8080, "TCP")}
    for query in document["queries"]:
        pairs = {(c["from"], c["to"]) for c in query["matrix"]}
        assert pairs == {(a, b) for a in ids for b in ids}
        assert all(not c["from"].startswith("ext:") for c in query["matrix"])
        assert all("ext:" in c["from"] + c["to"] for c in query["external"])
    https = next(q for q in document["queries"] if q["port"] == 443)
    cell = next(
        c
        for c in https["matrix"]
        if (c["from"], c["to"]) == ("ai-inference/vllm-0", "ai-data/minio-0")
    )
    assert cell["allowed"] is True


def test_analyze_keeps_a_port_name_as_given_and_filters_endpoints(guide_dir: Path) -> None:
    result = run_cli_in_process(
        "analyze",
        str(guide_dir),
        "--port",
        "http",
        "--from",
        "ai-agents/*",
        "--to",
        "app=weaviate",
        "--format",
        "json",
    )
    assert result.returncode == 0, result.stderr
    (query,) = json.loads(result.stdout)["queries"]
    assert query["port"] == "http" and query["protocol"] == "TCP"
    assert [(c["from"], c["to"], c["allowed"]) for c in query["matrix"]] == [
        ("ai-agents/ai-agent-0", "ai-agents/weaviate-0", True),
        ("ai-agents/weaviate-0", "ai-agents/weaviate-0", True),
    ]


def test_a_filtered_axis_holds_no_external_range(guide_dir: Path) -> None:
    """--from chooses pods: no outside range sends; the unfiltered --to axis keeps them all."""
    result = run_cli_in_process(
        "analyze", str(guide_dir), "--port", "443", "--from", "app=ai-agent", "--format", "json"
    )
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    externals = {x["id"] for x in document["externals"]}
    (query,) = document["queries"]
    assert externals and {c["from"] for c in query["external"]} == {"ai-agents/ai-agent-0"}
    assert {c["to"] for c in query["external"]} == externals
    both = run_cli_in_process(
        "analyze", str(guide_dir), "--port", "443", "--from", "app=ai-agent", "--to", "ai-data/*"
    )
    assert both.returncode == 0, both.stderr
    assert "E1" not in both.stdout and "external ranges" not in both.stdout


def test_analyze_says_which_ipblock_reading_decided_cells(guide_dir: Path) -> None:
    result = run_cli_in_process("analyze", str(guide_dir), "--port", "443", "--format", "json")
    document = json.loads(result.stdout)
    assert document["ipblock_pods"] == "match" and document["ipblock_reading_decided"] is True
    decided = [c for c in document["queries"][0]["matrix"] if c.get("ipblock_reading_decided")]
    assert decided and all(c["from"] == "ai-agents/ai-agent-0" for c in decided)
    text = run_cli_in_process("analyze", str(guide_dir), "--port", "443")
    assert "--ipblock-pods=match" in text.stdout


def test_explain_says_where_and_why_and_how_to_fix(guide_dir: Path) -> None:
    result = run_cli_in_process(
        "explain", str(guide_dir), "gateway/gateway-0", "ai-inference/vllm-0", "8000/TCP"
    )
    assert result.returncode == 0, result.stderr
    assert "BLOCKED" in result.stdout
    assert (
        "blocked at ingress of ai-inference/vllm-0: isolated by ai-inference/deny-all, "
        "ai-inference/allow-from-gateway; no ingress rule admits gateway/gateway-0 on 8000/TCP"
    ) in result.stdout
    assert "kind: NetworkPolicy" in result.stdout and "port: 8000" in result.stdout


def test_explain_an_allowed_connection_names_the_rule(guide_dir: Path) -> None:
    result = run_cli_in_process(
        "explain", str(guide_dir), "ai-inference/vllm-0", "ai-data/minio-0", "443"
    )
    assert "ALLOWED" in result.stdout
    assert "admitted by ai-inference/allow-to-storage egress[0] peer[0] port[0]" in result.stdout


def test_explain_unknown_endpoint_lists_close_matches(guide_dir: Path) -> None:
    result = run_cli_in_process(
        "explain", str(guide_dir), "ai-data/minio", "ai-inference/vllm-0", "443"
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "netfence: unknown endpoint 'ai-data/minio'; did you mean ai-data/minio-0?"
    ]


def test_bad_arguments_are_usage_errors(guide_dir: Path) -> None:
    assert run_cli_in_process("analyze", str(guide_dir), "--port", "70000").returncode == 2
    assert run_cli_in_process("analyze", str(guide_dir), "--from", "app in web").returncode == 2
    assert run_cli_in_process("explain", str(guide_dir), "a/b", "c/d", "80/ICMP").returncode == 2


def test_invalid_manifests_exit_1_with_one_line_each(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text(
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
        "metadata: {name: p, namespace: a}\nspec: {podSelector: {}, policyTypes: [Sideways]}\n"
    )
    result = run_cli_in_process("analyze", str(tmp_path), "--format", "json")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(str(tmp_path / "bad.yaml"))


def test_explain_accepts_the_paths_after_the_query(guide_dir: Path) -> None:
    first = run_cli_in_process(
        "explain", str(guide_dir), "ai-inference/vllm-0", "ai-data/minio-0", "443"
    )
    last = run_cli_in_process(
        "explain", "ai-inference/vllm-0", "ai-data/minio-0", "443", str(guide_dir)
    )
    assert last.returncode == 0 and last.stdout == first.stdout


def test_explain_an_outside_address_fixes_just_that_address(guide_dir: Path) -> None:
    result = run_cli_in_process("explain", str(guide_dir), "ai-agents/ai-agent-0", "8.8.8.8", "443")
    assert "blocked at egress of ai-agents/ai-agent-0" in result.stdout
    assert "outside the cluster, no policy applies" in result.stdout
    assert "cidr: 8.8.8.8/32" in result.stdout
    inference = run_cli_in_process(
        "explain", str(guide_dir), "ai-inference/vllm-0", "8.8.8.8", "443"
    )
    assert "blocked at egress of ai-inference/vllm-0" in inference.stdout
    assert "cidr: 8.8.8.8/32" not in inference.stdout
