"""``--resolve``: names tied to addresses, so CIDR rules and FQDN rules meet (parsing, the
engine's reading of both directions, and the command line)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from netfence.engine import Engine, EngineOptions
from netfence.engine.analysis import analyze
from netfence.engine.resolution import merged, parse_hosts, parse_pair
from tests.cilium.helpers import cluster_of
from tests.cilium.test_semantics import FQDN, PODS
from tests.conftest import run_cli_in_process

NAME = "api.openai.com"
ADDRESS = "203.0.113.7"
CIDR_ALLOW = """
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: cidr, namespace: b}
spec:
  endpointSelector: {matchLabels: {app: cli}}
  egress:
  - toCIDR: [203.0.113.0/24]
    toPorts: [{ports: [{port: "443", protocol: TCP}]}]
"""
CIDR_DENY = """
apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: no-doc-net}
spec:
  endpointSelector: {}
  enableDefaultDeny: {egress: false}
  egressDeny:
  - toCIDR: [203.0.113.0/28]
"""


def _engine(*texts: str, resolve: str = f"{NAME}={ADDRESS}") -> Engine:
    options = EngineOptions(resolved=merged([parse_pair(resolve)]))
    return Engine(cluster_of(PODS, *texts), options)


def _reach(engine: Engine, src: str, dst: str, port: int = 443) -> bool:
    verdict = engine.verdict(src, dst, port, "TCP").allowed
    found = engine.find(dst)
    assert found is not None
    matrix = engine.matrix(port, "TCP").cell(src, found.id)
    assert verdict == matrix, (src, dst, port)  # the per-pair spec and the matrices agree
    return verdict


def test_parsing_pairs_and_hosts_files() -> None:
    entry = parse_pair(" API.OpenAI.com. = 203.0.113.7, 2001:db8::7")
    assert entry.name == NAME and entry.text == "203.0.113.7,2001:db8::7"
    hosts = parse_hosts("# tools\n203.0.113.8 api.openai.com  alias.example.com\n\n", "h.txt")
    assert [(h.name, h.text, h.origin) for h in hosts] == [
        (NAME, "203.0.113.8", "h.txt:2"),
        ("alias.example.com", "203.0.113.8", "h.txt:2"),
    ]
    (both, alias) = merged([entry, *hosts])[::-1]
    assert both.name == NAME and both.text == "203.0.113.7,2001:db8::7,203.0.113.8"
    assert alias.name == "alias.example.com"
    for bad, said in [
        ("api.openai.com=", "no address"),
        ("=203.0.113.7", "empty name"),
        ("api.openai.com=203.0.113.999", "not an IP address"),
        ("*.openai.com=203.0.113.7", "not a DNS name"),
        ("api.openai.com", "expected NAME=IP"),
    ]:
        with pytest.raises(ValueError, match=said):
            parse_pair(bad)
    with pytest.raises(ValueError, match=r"h\.txt:2: .example\.com. is not an IP address"):
        parse_hosts("\nexample.com 203.0.113.7\n", "h.txt")


def test_a_cidr_allow_covering_the_address_makes_the_name_reachable() -> None:
    without = Engine(cluster_of(PODS, FQDN, CIDR_ALLOW))
    assert not _reach(without, "b/cli", f"fqdn:{NAME}")  # a name is not a CIDR's, unresolved
    engine = _engine(FQDN, CIDR_ALLOW)
    assert _reach(engine, "b/cli", f"fqdn:{NAME}")
    assert not _reach(engine, "b/cli", f"fqdn:{NAME}", 80)
    verdict = engine.verdict("b/cli", f"fqdn:{NAME}", 443, "TCP")
    assert verdict.resolution == (
        f"fqdn:{NAME} resolves to {ADDRESS} (--resolve): every address is allowed; "
        f"the verdict is that of ext:{ADDRESS}/32"
    )
    assert str(engine.connections("b/cli", f"fqdn:{NAME}")["TCP"]) == "443"


def test_an_fqdn_allow_reaches_the_address_it_resolved_to() -> None:
    plain = Engine(cluster_of(PODS, FQDN))
    assert not _reach(plain, "a/cli", ADDRESS)
    engine = _engine(FQDN)
    assert _reach(engine, "a/cli", ADDRESS) and _reach(engine, "a/cli", f"fqdn:{NAME}")
    assert not _reach(engine, "a/cli", "203.0.113.8")  # only the address the name resolved to


def test_dns_visibility_still_decides_for_the_address() -> None:
    engine = _engine(FQDN, resolve=f"raw.githubusercontent.com={ADDRESS}")
    assert not _reach(engine, "a/cli", ADDRESS)  # *.githubusercontent.com lookups are unseen
    assert not _reach(engine, "a/cli", "fqdn:raw.githubusercontent.com")


def test_a_cidr_deny_covering_one_address_blocks_the_name() -> None:
    engine = _engine(FQDN, CIDR_DENY, resolve=f"{NAME}={ADDRESS},198.51.100.7")
    assert not _reach(engine, "a/cli", f"fqdn:{NAME}")
    assert _reach(engine, "a/cli", "198.51.100.7")
    verdict = engine.verdict("a/cli", f"fqdn:{NAME}", 443, "TCP")
    assert verdict.resolution.endswith(
        f"ext:{ADDRESS}/32 is refused; the verdict is that of ext:{ADDRESS}/32"
    )
    assert str(engine.connections("a/cli", f"fqdn:{NAME}")["TCP"]) == ""
    notes = analyze(engine, [(443, "TCP")]).notes
    assert any(
        n.startswith(f"fqdn:{NAME} resolves to {ADDRESS},198.51.100.7 (--resolve)") for n in notes
    )


def test_a_resolved_name_no_rule_mentions_gets_its_node() -> None:
    engine = _engine(CIDR_ALLOW, resolve="example.org=203.0.113.9")
    assert "fqdn:example.org" in [x.id for x in engine.externals]
    assert _reach(engine, "b/cli", "fqdn:example.org")
    assert not _reach(engine, "b/cli", "fqdn:example.org", 80)
    matrix = engine.matrix(443, "TCP")
    column = matrix.allowed[:, matrix.index("fqdn:example.org")]
    assert np.array_equal(column, matrix.allowed[:, matrix.index("ext:203.0.113.9/32")])


def _write(tmp_path: Path, *texts: str) -> Path:
    (tmp_path / "in.yaml").write_text("\n---\n".join(texts))
    return tmp_path / "in.yaml"


@pytest.mark.parametrize("command", ["analyze", "report", "lint", "diff", "explain"])
def test_every_connectivity_command_refuses_a_bad_value_with_exit_2(
    command: str, tmp_path: Path
) -> None:
    source = str(_write(tmp_path, PODS, FQDN))
    args = {
        "analyze": [source],
        "report": [source, "-o", str(tmp_path / "r.html")],
        "lint": [source],
        "diff": [source, source],
        "explain": [source, "a/cli", f"fqdn:{NAME}", "443"],
    }[command]
    result = run_cli_in_process(command, *args, "--resolve", f"{NAME}=nope")
    assert result.returncode == 2, result.stdout + result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line == f"netfence: --resolve: '{NAME}=nope': 'nope' is not an IP address"
    missing = run_cli_in_process(command, *args, "--resolve", str(tmp_path / "no-hosts"))
    assert missing.returncode == 2
    assert "--resolve: cannot read" in missing.stderr


def test_analyze_and_explain_say_which_resolution_decided(tmp_path: Path) -> None:
    source = str(_write(tmp_path, PODS, FQDN, CIDR_ALLOW))
    hosts = tmp_path / "hosts"
    hosts.write_text(f"{ADDRESS} {NAME}\n")
    result = run_cli_in_process(
        "analyze", source, "--port", "443", "--format", "json", "--resolve", str(hosts)
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    cells = {(e["from"], e["to"]): e["allowed"] for e in report["queries"][0]["external"]}
    assert cells[("b/cli", f"fqdn:{NAME}")] and cells[("a/cli", f"fqdn:{NAME}")]
    assert any(f"({hosts}:1)" in n for n in report["notes"])
    explained = run_cli_in_process(
        "explain",
        source,
        "b/cli",
        f"fqdn:{NAME}",
        "443",
        "--resolve",
        f"{NAME}={ADDRESS}",
    )
    assert explained.returncode == 0, explained.stderr
    assert f"fqdn:{NAME} resolves to {ADDRESS} (--resolve)" in explained.stdout


ANP_DOMAINS = """
apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: tools}
spec:
  priority: 1
  subject: {namespaces: {matchLabels: {team: red}}}
  egress:
  - name: allow-openai
    action: Allow
    to: [{domainNames: [api.openai.com]}]
    ports: [{portNumber: {protocol: TCP, port: 443}}]
  - name: deny-outside
    action: Deny
    to: [{networks: [0.0.0.0/0]}]
"""


def test_a_tier_domain_names_allow_reaches_the_resolved_address() -> None:
    plain = Engine(cluster_of(PODS, ANP_DOMAINS))
    assert _reach(plain, "a/cli", f"fqdn:{NAME}") and not _reach(plain, "a/cli", ADDRESS)
    engine = _engine(ANP_DOMAINS)
    assert _reach(engine, "a/cli", ADDRESS) and _reach(engine, "a/cli", f"fqdn:{NAME}")
    assert not _reach(engine, "a/cli", "203.0.113.8")
