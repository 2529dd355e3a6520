"""Scenarios of SIG Network's policy-API conformance suite (admin tier, baseline tier, API
integration), written as fixtures in the suite's world and run through
``netfence analyze DIR --port P --protocol PROTO --format json``, cell by cell.

Expectations follow the suite's probes; where the suite mutates a policy between probes, each
state is its own case. ``tier`` is the marker the cell must carry (None: no marker).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from netfence.cli.app import app
from tests.tiers.houses import (
    NODE_IP,
    Manifest,
    anp,
    cnp,
    dump,
    from_house,
    houses,
    network_policy,
    pod,
    pod_ip,
    pods,
    rule,
    sctp,
    tcp,
    udp,
    world,
)

G, S, H, R = "gryffindor", "slytherin", "hufflepuff", "ravenclaw"
ANY = "any"


@dataclass(frozen=True)
class Cell:
    src: str
    dst: str
    service: str
    allowed: bool
    tier: str | None = ANY


@dataclass(frozen=True)
class Case:
    name: str
    policies: list[Manifest]
    cells: list[Cell]
    forest: bool = False
    extra: list[Manifest] = field(default_factory=list)


def cells(src: str, dst: str, allowed: bool, tier: str | None, *services: str) -> list[Cell]:
    return [Cell(src, dst, s, allowed, tier) for s in services]


ALL = ("80/TCP", "53/UDP", "9003/SCTP")
BASELINE_DENY_FROM_S = anp(
    "default", None, houses(G), ingress=[rule("deny-from-slytherin", "Deny", [houses(S)])]
)
NP_ALLOW_FROM_S = network_policy(
    "allow-from-slytherin",
    G,
    {"podSelector": {}, "policyTypes": ["Ingress"], "ingress": [{"from": [from_house(S)]}]},
)
PORTS_S = {"protocols": [tcp(80), udp(53), sctp(9003)]}
PORTS_H = {"protocols": [tcp(8080), udp(5353), sctp(9003)]}

CASES = [
    Case(
        "admin-accept-egress-before-deny",
        [
            cnp(
                "gress-rules",
                "Admin",
                15,
                houses(G),
                egress=[
                    rule("allow-to-ravenclaw-everything", "Accept", [houses(R)]),
                    rule("deny-to-ravenclaw-everything", "Deny", [houses(R)]),
                ],
            )
        ],
        cells(pod(G, 0), pod(R, 0), True, "Admin", *ALL),
    ),
    Case(
        "admin-deny-egress-before-accept",
        [
            cnp(
                "gress-rules",
                "Admin",
                15,
                houses(G),
                egress=[
                    rule("deny-to-ravenclaw-everything", "Deny", [houses(R)]),
                    rule("allow-to-ravenclaw-everything", "Accept", [houses(R)]),
                ],
            )
        ],
        cells(pod(G, 1), pod(R, 1), False, "Admin", *ALL)
        + cells(pod(G, 0), pod(S, 0), True, None, *ALL),
    ),
    Case(
        "admin-accept-ingress-before-deny",
        [
            cnp(
                "gress-rules",
                "Admin",
                15,
                houses(G),
                ingress=[
                    rule("allow-from-ravenclaw-everything", "Accept", [houses(R)]),
                    rule("deny-from-ravenclaw-everything", "Deny", [houses(R)]),
                ],
            )
        ],
        cells(pod(R, 0), pod(G, 0), True, "Admin", *ALL),
    ),
    Case(
        "admin-pass-ingress-then-default-allow",
        [
            cnp(
                "gress-rules",
                "Admin",
                15,
                houses(G),
                ingress=[
                    rule("pass-from-ravenclaw-everything", "Pass", [houses(R)]),
                    rule("deny-from-ravenclaw-everything", "Deny", [houses(R)]),
                ],
            )
        ],
        cells(pod(R, 1), pod(G, 1), True, None, *ALL),
    ),
    Case(
        "admin-deny-egress-at-specified-ports",
        [
            cnp(
                "gress-rules",
                "Admin",
                15,
                houses(G),
                egress=[
                    rule("deny-to-slytherin-at-ports-80-53-9003", "Deny", [houses(S)], **PORTS_S)
                ],
            )
        ],
        cells(pod(G, 0), pod(S, 0), False, "Admin", "80/TCP", "53/UDP", "9003/SCTP")
        + cells(pod(G, 0), pod(S, 0), True, None, "8080/TCP", "5353/UDP", "9005/SCTP"),
    ),
    Case(
        "admin-accept-at-ports-then-deny-everything-else",
        [
            cnp(
                "gress-rules",
                "Admin",
                15,
                houses(G),
                egress=[
                    rule(
                        "allow-to-hufflepuff-at-ports-8080-5353-9003",
                        "Accept",
                        [houses(H)],
                        **PORTS_H,
                    ),
                    rule("deny-to-hufflepuff-everything-else", "Deny", [houses(H)]),
                ],
            )
        ],
        cells(pod(G, 1), pod(H, 0), True, "Admin", "8080/TCP", "5353/UDP", "9003/SCTP")
        + cells(pod(G, 1), pod(H, 0), False, "Admin", "80/TCP", "53/UDP", "9005/SCTP"),
    ),
    Case(
        "admin-pass-at-ports-to-networkpolicy",
        [
            cnp(
                "gress-rules",
                "Admin",
                15,
                houses(G),
                ingress=[
                    rule("pass-from-slytherin-at-port-80-53-9003", "Pass", [houses(S)], **PORTS_S),
                    rule("deny-from-slytherin-everything-else", "Deny", [houses(S)]),
                ],
            ),
            NP_ALLOW_FROM_S,
        ],
        cells(pod(S, 0), pod(G, 0), True, None, "80/TCP", "53/UDP", "9003/SCTP")
        + cells(pod(S, 0), pod(G, 0), False, "Admin", "8080/TCP", "5353/UDP", "9005/SCTP"),
    ),
    Case(
        "priority-lower-number-wins-deny",
        [
            cnp("priority-50", "Admin", 50, pods(G), ingress=[rule("deny", "Deny", [pods(S)])]),
            cnp("priority-60", "Admin", 60, pods(G), ingress=[rule("pass", "Pass", [pods(S)])]),
            anp("default", None, houses(G), ingress=[rule("allow", "Allow", [houses(S)])]),
        ],
        cells(pod(S, 0), pod(G, 0), False, "Admin", "80/TCP", "8080/TCP"),
    ),
    Case(
        "priority-updated-pass-wins-then-baseline",
        [
            cnp("priority-50", "Admin", 50, pods(G), ingress=[rule("deny", "Deny", [pods(S)])]),
            cnp("priority-40", "Admin", 40, pods(G), ingress=[rule("pass", "Pass", [pods(S)])]),
            anp("default", None, houses(G), ingress=[rule("allow", "Allow", [houses(S)])]),
        ],
        cells(pod(S, 1), pod(G, 0), True, "Baseline", "80/TCP", "8080/TCP"),
    ),
    Case(
        "integration-admin-deny-beats-networkpolicy",
        [
            cnp(
                "pass-example", "Admin", 10, houses(G), ingress=[rule("deny", "Deny", [houses(S)])]
            ),
            NP_ALLOW_FROM_S,
            BASELINE_DENY_FROM_S,
        ],
        cells(pod(S, 0), pod(G, 0), False, "Admin", "80/TCP", "8080/TCP"),
    ),
    Case(
        "integration-admin-pass-to-networkpolicy",
        [
            cnp(
                "pass-example", "Admin", 10, houses(G), ingress=[rule("pass", "Pass", [houses(S)])]
            ),
            NP_ALLOW_FROM_S,
            BASELINE_DENY_FROM_S,
        ],
        cells(pod(S, 0), pod(G, 1), True, None, "80/TCP", "8080/TCP")
        + cells(pod(H, 0), pod(G, 1), False, None, "80/TCP"),
    ),
    Case(
        "integration-admin-pass-to-baseline",
        [
            cnp(
                "pass-example", "Admin", 10, houses(G), ingress=[rule("pass", "Pass", [houses(S)])]
            ),
            BASELINE_DENY_FROM_S,
        ],
        cells(pod(S, 0), pod(G, 1), False, "Baseline", "80/TCP", "8080/TCP")
        + cells(pod(H, 0), pod(G, 1), True, None, "80/TCP"),
    ),
    Case(
        "integration-admin-egress-pass-to-baseline-v1beta1",
        [
            cnp(
                "pass-example",
                "Admin",
                10,
                houses(G),
                egress=[rule("pass", "Pass", [houses(S)])],
                version="v1beta1",
            ),
            cnp(
                "default",
                "Baseline",
                10,
                houses(G),
                egress=[rule("deny", "Deny", [houses(S)])],
                version="v1beta1",
            ),
        ],
        cells(pod(G, 0), pod(S, 1), False, "Baseline", "80/TCP", "8080/TCP"),
    ),
    Case(
        "admin-allow-overrides-networkpolicy-deny-all",
        [
            network_policy("deny-all", R, {"podSelector": {}, "policyTypes": ["Ingress"]}),
            anp("allow-hufflepuff", 3, houses(R), ingress=[rule("from-h", "Allow", [houses(H)])]),
        ],
        cells(pod(H, 0), pod(R, 0), True, "Admin", *ALL)
        + cells(pod(G, 0), pod(R, 0), False, None, *ALL),
    ),
    Case(
        "egress-accept-leaves-destination-ingress-to-its-policies",
        [
            network_policy("deny-all", S, {"podSelector": {}, "policyTypes": ["Ingress"]}),
            anp("allow-egress", 3, houses(G), egress=[rule("to-s", "Allow", [houses(S)])]),
        ],
        cells(pod(G, 0), pod(S, 0), False, None, "80/TCP"),
    ),
    Case(
        "baseline-deny-overridden-by-networkpolicy",
        [
            anp(
                "default",
                None,
                {"namespaces": {}},
                ingress=[rule("deny-all", "Deny", [{"namespaces": {}}])],
            ),
            NP_ALLOW_FROM_S,
        ],
        cells(pod(S, 0), pod(G, 0), True, None, "80/TCP")
        + cells(pod(H, 0), pod(G, 0), False, None, "80/TCP")
        + cells(pod(H, 0), pod(R, 0), False, "Baseline", "80/TCP")
        + cells(pod(H, 0), pod(H, 1), False, "Baseline", "53/UDP"),
    ),
    Case(
        "baseline-allow-does-not-open-isolated-pods",
        [
            anp(
                "default",
                None,
                houses(R),
                ingress=[rule("allow-all", "Allow", [{"namespaces": {}}])],
            ),
            network_policy("deny-all", R, {"podSelector": {}, "policyTypes": ["Ingress"]}),
        ],
        cells(pod(G, 0), pod(R, 0), False, None, "80/TCP"),
    ),
    Case(
        "anp-port-range-tcp-and-udp",
        [
            anp(
                "port-range",
                4,
                houses(G),
                egress=[
                    rule(
                        "deny-range",
                        "Deny",
                        [houses(S)],
                        ports=[
                            {"portRange": {"protocol": "TCP", "start": 80, "end": 8080}},
                            {"portRange": {"protocol": "UDP", "start": 53, "end": 5353}},
                        ],
                    )
                ],
            )
        ],
        cells(pod(G, 0), pod(S, 0), False, "Admin", "80/TCP", "8080/TCP", "53/UDP", "5353/UDP")
        + cells(pod(G, 0), pod(S, 0), True, None, "9003/SCTP"),
    ),
    Case(
        "cnp-port-range-sctp",
        [
            cnp(
                "range",
                "Admin",
                4,
                houses(G),
                ingress=[rule("r", "Deny", [houses(H)], protocols=[sctp(9000, 9004)])],
            )
        ],
        cells(pod(H, 0), pod(G, 0), False, "Admin", "9003/SCTP")
        + cells(pod(H, 0), pod(G, 0), True, None, "9005/SCTP", "80/TCP"),
    ),
    Case(
        "anp-named-port-ingress",
        [
            anp(
                "named",
                6,
                houses(G),
                ingress=[
                    rule(
                        "web",
                        "Deny",
                        [houses(S)],
                        ports=[{"namedPort": "web"}, {"namedPort": "dns"}],
                    )
                ],
            )
        ],
        cells(pod(S, 0), pod(G, 0), False, "Admin", "80/TCP", "53/UDP", "web/TCP")
        + cells(pod(S, 0), pod(G, 0), True, None, "8080/TCP", "5353/UDP"),
    ),
    Case(
        "cnp-pod-selector-subject",
        [
            cnp(
                "one-pod",
                "Admin",
                7,
                pods(G, "harry-potter-0"),
                ingress=[rule("deny-from-r", "Deny", [pods(R, "luna-lovegood-1")])],
            )
        ],
        cells(pod(R, 1), pod(G, 0), False, "Admin", "80/TCP")
        + cells(pod(R, 0), pod(G, 0), True, None, "80/TCP")
        + cells(pod(R, 1), pod(G, 1), True, None, "80/TCP"),
    ),
    Case(
        "cnp-inline-cidr-matches-pod-addresses",
        [
            cnp(
                "cidr",
                "Admin",
                8,
                houses(G),
                egress=[rule("deny-one", "Deny", [{"networks": [pod_ip(S, 0) + "/32"]}])],
            )
        ],
        cells(pod(G, 0), pod(S, 0), False, "Admin", "80/TCP")
        + cells(pod(G, 0), pod(S, 1), True, None, "80/TCP"),
    ),
    Case(
        "cnp-pass-pods-then-deny-internet",
        [
            cnp(
                "internet",
                "Admin",
                8,
                houses(G),
                egress=[
                    rule("pass-pods", "Pass", [{"namespaces": {}}]),
                    rule("deny-all-v4", "Deny", [{"networks": ["0.0.0.0/0"]}]),
                ],
            )
        ],
        cells(pod(G, 0), pod(S, 0), True, None, "80/TCP")
        + cells(pod(G, 0), "ext:0.0.0.0/0", False, "Admin", "443/TCP")
        + cells(pod(S, 0), "ext:0.0.0.0/0", True, None, "443/TCP"),
    ),
    Case(
        "cnp-baseline-pass-falls-to-default",
        [
            cnp(
                "base",
                "Baseline",
                1,
                houses(G),
                egress=[rule("pass", "Pass", [houses(S)]), rule("deny", "Deny", [houses(S)])],
            )
        ],
        cells(pod(G, 0), pod(S, 0), True, None, "80/TCP"),
    ),
    Case(
        "v1alpha1-pass-skips-v1alpha2-admin-rules",
        [
            anp("pass-first", 3, houses(G), egress=[rule("pass", "Pass", [houses(S)])]),
            cnp("deny-later", "Admin", 5, houses(G), egress=[rule("deny", "Deny", [houses(S)])]),
        ],
        cells(pod(G, 0), pod(S, 0), True, None, "80/TCP"),
    ),
    Case(
        "host-network-pods-are-neither-subjects-nor-peers",
        [
            anp(
                "deny-all",
                2,
                {"namespaces": {}},
                ingress=[rule("deny-all", "Deny", [{"namespaces": {}}])],
            )
        ],
        cells(pod("forbidden-forrest"), pod(G, 0), True, None, "80/TCP")
        + cells(pod(G, 0), pod("forbidden-forrest"), True, None, "80/TCP")
        + cells(pod(S, 0), pod(G, 0), False, "Admin", "80/TCP"),
        forest=True,
    ),
    Case(
        "nodes-peer-matches-node-addresses",
        [anp("no-nodes", 2, houses(G), egress=[rule("deny-nodes", "Deny", [{"nodes": {}}])])],
        cells(pod(G, 0), pod("forbidden-forrest"), False, "Admin", "80/TCP")
        + cells(pod(S, 0), pod("forbidden-forrest"), True, None, "80/TCP")
        + cells(pod(G, 0), pod(S, 0), True, None, "80/TCP"),
        forest=True,
        extra=[
            {
                "apiVersion": "v1",
                "kind": "Node",
                "metadata": {"name": "kind-worker", "labels": {"role": "worker"}},
                "status": {"addresses": [{"type": "InternalIP", "address": NODE_IP}]},
            }
        ],
    ),
    Case(
        "domain-names-allowlist-before-deny",
        [
            anp(
                "egress-allowlist",
                1,
                houses(G),
                egress=[
                    rule("allow-example", "Allow", [{"domainNames": ["*.example.com"]}]),
                    rule("deny-internet", "Deny", [{"networks": ["0.0.0.0/0"]}]),
                ],
            )
        ],
        cells(pod(G, 0), "fqdn:*.example.com", True, "Admin", "443/TCP")
        + cells(pod(G, 0), "ext:0.0.0.0/0", False, "Admin", "443/TCP")
        + cells(pod(G, 0), pod(S, 0), False, "Admin", "80/TCP"),
    ),
    Case(
        "cnp-udp-accept-then-deny",
        [
            cnp(
                "udp",
                "Admin",
                20,
                houses(G),
                ingress=[
                    rule("allow-dns", "Accept", [houses(H)], protocols=[udp(53)]),
                    rule("deny-rest", "Deny", [houses(H)]),
                ],
            )
        ],
        cells(pod(H, 1), pod(G, 1), True, "Admin", "53/UDP")
        + cells(pod(H, 1), pod(G, 1), False, "Admin", "5353/UDP", "80/TCP"),
    ),
    Case(
        "no-rules-in-a-direction-leave-it-alone",
        [cnp("egress-only", "Admin", 20, houses(G), egress=[rule("deny", "Deny", [houses(S)])])],
        cells(pod(S, 0), pod(G, 0), True, None, "80/TCP")
        + cells(pod(G, 0), pod(S, 0), False, "Admin", "80/TCP"),
    ),
]


def _analyze(directory: Path, service: str) -> Any:
    port, protocol = service.split("/")
    arguments = [
        "analyze",
        str(directory),
        "--port",
        port,
        "--protocol",
        protocol,
        "--format",
        "json",
    ]
    result = CliRunner().invoke(app, arguments)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("item", CASES, ids=[c.name for c in CASES])
def test_conformance_case(item: Case, tmp_path: Path) -> None:
    (tmp_path / "world.yaml").write_text(dump(world(item.forest) + item.extra))
    (tmp_path / "policies.yaml").write_text(dump(item.policies))
    for service in sorted({c.service for c in item.cells}):
        (query,) = _analyze(tmp_path, service)["queries"]
        got = {(c["from"], c["to"]): c for c in query["matrix"] + query["external"]}
        for cell in (c for c in item.cells if c.service == service):
            found = got[(cell.src, cell.dst)]
            assert found["allowed"] == cell.allowed, (service, cell)
            if cell.tier != ANY:
                assert found.get("tier") == cell.tier, (service, cell, found)


def test_at_least_25_cases() -> None:
    assert len(CASES) >= 25
