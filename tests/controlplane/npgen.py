"""A seeded generator of valid and invalid NetworkPolicies: edge cases of every field.

Each object is a valid base policy with a few mutations; each mutation writes one field from
a list of edge values (valid and invalid ones mixed), so about half the objects are valid.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Callable
from typing import Any

Mutation = Callable[[random.Random, dict[str, Any]], None]

NAMES = [
    "web",
    "a",
    "a" * 253,
    "a" * 254,
    "UPPER",
    "a.b",
    "a..b",
    "-a",
    "a-",
    "a_b",
    "1abc",
    "a.b-c.d",
    "",
    "ä",
    "a" * 63 + ".b",
]
LABEL_KEYS = [
    "app",
    "example.com/app",
    "a/b",
    "a" * 63,
    "a" * 64,
    "-bad",
    "bad-",
    "UP/x",
    "/x",
    "x/",
    "a" * 254 + "/x",
    "kubernetes.io/metadata.name",
    "a b",
    "a.b_c-d",
    "x/" + "y" * 64,
    "",
]
LABEL_VALUES = ["", "v", "-v", "v-", "v" * 63, "v" * 64, "a b", "a.b_c-d", "V1", "ä", "_a"]
OPERATORS = ["In", "NotIn", "Exists", "DoesNotExist", "Bogus", "", "in"]
PROTOCOLS: list[Any] = ["TCP", "UDP", "SCTP", "tcp", "ICMP", "", None]
NUMERIC_PORTS = [0, 1, 53, 65535, 65536, -1, 80]
NAMED_PORTS = [
    "http",
    "HTTP",
    "a" * 15,
    "a" * 16,
    "1a",
    "-a",
    "a-",
    "a--b",
    "",
    "80",
    "dns-tcp",
    "a_b",
    "0x1",
]
END_PORTS = [0, 1, 80, 81, 65535, 65536, -5]
CIDRS = [
    "10.0.0.0/8",
    "10.0.0.1/8",
    "0.0.0.0/0",
    "::/0",
    "10.0.0.0/33",
    "10.0.0.0",
    "",
    "bad",
    "010.0.0.0/8",
    "10.0.0.0/08",
    "fd00::/8",
    "fd00::1/128",
    "::ffff:10.0.0.0/104",
    "192.168.1.0/24",
    "2001:db8::/129",
    " 10.0.0.0/8",
    "10.0.0.0/-1",
    "1.2.3.4/32",
]
EXCEPTS = [
    "10.1.0.0/16",
    "10.0.0.0/8",
    "11.0.0.0/8",
    "10.0.0.0/4",
    "bad",
    "fd00::/16",
    "",
    "10.1.2.3/32",
    "10.1.0.1/16",
    "010.1.0.0/16",
    "0.0.0.0/1",
]
POLICY_TYPES: list[list[Any]] = [
    [],
    ["Ingress"],
    ["Egress"],
    ["Ingress", "Egress"],
    ["Egress", "Ingress"],
    ["ingress"],
    ["Ingress", "Egress", "Ingress"],
    ["Ingress", "Ingress"],
    [""],
    ["Bogus"],
]


def base(namespace: str, name: str) -> dict[str, Any]:
    """A valid policy with one ingress and one egress rule."""
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {
            "podSelector": {"matchLabels": {"app": "web"}},
            "policyTypes": ["Ingress", "Egress"],
            "ingress": [
                {
                    "from": [{"podSelector": {"matchLabels": {"role": "client"}}}],
                    "ports": [{"protocol": "TCP", "port": 8080}],
                }
            ],
            "egress": [
                {
                    "to": [{"ipBlock": {"cidr": "10.0.0.0/8", "except": ["10.1.0.0/16"]}}],
                    "ports": [{"protocol": "UDP", "port": 53}],
                }
            ],
        },
    }


def _rule(rng: random.Random, spec: dict[str, Any]) -> dict[str, Any]:
    direction = rng.choice(["ingress", "egress"])
    rules = spec.setdefault(direction, [{}])
    if not rules:
        rules.append({})
    rule: dict[str, Any] = rng.choice(rules)
    return rule


def _peer(rng: random.Random, spec: dict[str, Any]) -> dict[str, Any]:
    rule = _rule(rng, spec)
    key = "from" if "from" in rule or "to" not in rule else "to"
    peers = rule.setdefault(key, [{}])
    if not peers:
        peers.append({})
    peer: dict[str, Any] = rng.choice(peers)
    return peer


def _port(rng: random.Random, spec: dict[str, Any]) -> dict[str, Any]:
    ports = _rule(rng, spec).setdefault("ports", [{}])
    if not ports:
        ports.append({})
    port: dict[str, Any] = rng.choice(ports)
    return port


def _selector(rng: random.Random) -> dict[str, Any]:
    """A label selector with edge-case keys, values and expressions."""
    selector: dict[str, Any] = {}
    if rng.random() < 0.6:
        selector["matchLabels"] = {rng.choice(LABEL_KEYS): rng.choice(LABEL_VALUES)}
    if rng.random() < 0.5:
        expression: dict[str, Any] = {
            "key": rng.choice(LABEL_KEYS),
            "operator": rng.choice(OPERATORS),
        }
        choice = rng.random()
        if choice < 0.4:
            expression["values"] = [rng.choice(LABEL_VALUES) for _ in range(rng.randint(1, 2))]
        elif choice < 0.6:
            expression["values"] = []
        selector["matchExpressions"] = [expression]
    return selector


def set_name(rng: random.Random, policy: dict[str, Any]) -> None:
    policy["metadata"]["name"] = rng.choice(NAMES)


def set_metadata_labels(rng: random.Random, policy: dict[str, Any]) -> None:
    policy["metadata"]["labels"] = {rng.choice(LABEL_KEYS): rng.choice(LABEL_VALUES)}


def set_pod_selector(rng: random.Random, policy: dict[str, Any]) -> None:
    policy["spec"]["podSelector"] = _selector(rng)


def set_policy_types(rng: random.Random, policy: dict[str, Any]) -> None:
    types = rng.choice(POLICY_TYPES)
    if types:
        policy["spec"]["policyTypes"] = list(types)
    else:
        policy["spec"].pop("policyTypes", None)


def set_protocol(rng: random.Random, policy: dict[str, Any]) -> None:
    port = _port(rng, policy["spec"])
    protocol = rng.choice(PROTOCOLS)
    if protocol is None:
        port.pop("protocol", None)
    else:
        port["protocol"] = protocol


def set_port(rng: random.Random, policy: dict[str, Any]) -> None:
    port = _port(rng, policy["spec"])
    choice = rng.random()
    if choice < 0.45:
        port["port"] = rng.choice(NUMERIC_PORTS)
    elif choice < 0.9:
        port["port"] = rng.choice(NAMED_PORTS)
    else:
        port.pop("port", None)


def set_end_port(rng: random.Random, policy: dict[str, Any]) -> None:
    port = _port(rng, policy["spec"])
    port["endPort"] = rng.choice(END_PORTS)
    if rng.random() < 0.5:
        port["port"] = rng.choice([1, 80, 1000, 65535, "http"])


def set_peer_selectors(rng: random.Random, policy: dict[str, Any]) -> None:
    peer = _peer(rng, policy["spec"])
    peer.clear()
    for key in ("podSelector", "namespaceSelector"):
        if rng.random() < 0.6:
            peer[key] = _selector(rng)
    if rng.random() < 0.2:
        peer["ipBlock"] = {"cidr": rng.choice(CIDRS)}


def set_ip_block(rng: random.Random, policy: dict[str, Any]) -> None:
    peer = _peer(rng, policy["spec"])
    peer.clear()
    block: dict[str, Any] = {"cidr": rng.choice(CIDRS)}
    if rng.random() < 0.6:
        block["except"] = [rng.choice(EXCEPTS) for _ in range(rng.randint(1, 2))]
    peer["ipBlock"] = block


def drop_rules(rng: random.Random, policy: dict[str, Any]) -> None:
    """Empty rules, empty peer lists, or no rules at all."""
    spec = policy["spec"]
    direction = rng.choice(["ingress", "egress"])
    shape = rng.choice(["none", "empty-list", "empty-rule", "empty-peers", "empty-ports"])
    if shape == "none":
        spec.pop(direction, None)
    elif shape == "empty-list":
        spec[direction] = []
    elif shape == "empty-rule":
        spec[direction] = [{}]
    elif shape == "empty-peers":
        spec[direction] = [{"from" if direction == "ingress" else "to": []}]
    else:
        spec[direction] = [{"ports": []}]


def unknown_field(rng: random.Random, policy: dict[str, Any]) -> None:
    """A field the schema does not have (rejected with fieldValidation=Strict)."""
    target = rng.choice([policy["spec"], _port(rng, policy["spec"]), _peer(rng, policy["spec"])])
    target[rng.choice(["bogus", "Port", "cidrs"])] = 1


MUTATIONS: tuple[Mutation, ...] = (
    set_name,
    set_metadata_labels,
    set_pod_selector,
    set_policy_types,
    set_protocol,
    set_port,
    set_port,
    set_end_port,
    set_end_port,
    set_peer_selectors,
    set_ip_block,
    set_ip_block,
    drop_rules,
    unknown_field,
)


def network_policies(seed: int, count: int, namespace: str) -> list[dict[str, Any]]:
    """``count`` policies; object ``i`` is named ``case-i`` unless a mutation renames it."""
    rng = random.Random(seed)
    cases = []
    for index in range(count):
        policy = copy.deepcopy(base(namespace, f"case-{index}"))
        for mutation in rng.sample(MUTATIONS, rng.choice([0, 1, 1, 2, 2, 3])):
            mutation(rng, policy)
        cases.append(policy)
    return cases
