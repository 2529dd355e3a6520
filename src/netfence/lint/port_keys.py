"""The ports worth asking about between classes of endpoints: what the destination serves and
what either end's rules name (``flows.candidate_ports`` for every class pair at once)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from netfence.engine import Engine
from netfence.model import Direction, Endpoint, Protocol

PortKey = tuple[int, Protocol]


def rule_keys(
    engine: Engine, endpoint: Endpoint, direction: Direction
) -> tuple[set[PortKey], set[tuple[str, Protocol]]]:
    """The numbered and the named ports the rules isolating ``endpoint`` name."""
    numbers: set[PortKey] = set()
    names: set[tuple[str, Protocol]] = set()
    for policy in engine.selecting(endpoint, direction):
        for rule in policy.rules(direction):
            for port in rule.ports:
                if isinstance(port.port, int):
                    numbers.add((port.port, port.protocol))
                elif isinstance(port.port, str):
                    names.add((port.port, port.protocol))
    return numbers, names


class ClassPorts:
    """Per endpoint class (``members``: one endpoint of each): the candidate ports of its
    pairs as class x key tables, keys in ascending order."""

    def __init__(self, engine: Engine, members: Mapping[int, Endpoint], size: int) -> None:
        served: dict[int, set[PortKey]] = {}
        outward: dict[int, tuple[set[PortKey], set[tuple[str, Protocol]]]] = {}
        for number, member in members.items():
            numbers, by_name = rule_keys(engine, member, "ingress")
            keys = {(p.port, p.protocol) for p in member.ports} | numbers
            for name, protocol in by_name:
                keys.update((n, protocol) for n in member.named_ports(name, protocol))
            served[number] = keys
            outward[number] = rule_keys(engine, member, "egress")
        names = sorted({n for _, found in outward.values() for n in found})
        resolved = {
            (number, name): {(n, name[1]) for n in member.named_ports(*name)}
            for number, member in members.items()
            for name in names
        }
        every = set().union(*served.values(), *(n for n, _ in outward.values()))
        every |= set().union(*resolved.values())
        self.keys: list[PortKey] = sorted(every)
        index = {key: i for i, key in enumerate(self.keys)}
        self.served = np.zeros((size, len(self.keys)), dtype=bool)
        """[destination class, key]: served, or named by the destination's ingress rules."""
        self.named = np.zeros((size, len(self.keys)), dtype=bool)
        """[source class, key]: a number the source's egress rules name."""
        self.names = np.zeros((size, len(names)), dtype=bool)
        """[source class, name]: a port name the source's egress rules name."""
        self.resolved = np.zeros((len(names), size, len(self.keys)), dtype=bool)
        """[name, destination class, key]: the name resolves to the key on the destination."""
        for number in members:
            self.served[number, [index[k] for k in served[number]]] = True
            numbers, found = outward[number]
            self.named[number, [index[k] for k in numbers]] = True
            self.names[number, [names.index(n) for n in found]] = True
            for at, named in enumerate(names):
                self.resolved[at, number, [index[k] for k in resolved[(number, named)]]] = True

    def asked(self, src: np.ndarray, dst: np.ndarray, key: int) -> np.ndarray:
        """Per class pair: whether port ``key`` is a candidate of ``src -> dst``."""
        found: np.ndarray = self.served[dst, key] | self.named[src, key]
        for at in np.flatnonzero(self.resolved[:, :, key].any(axis=1)).tolist():
            found |= self.names[src, at] & self.resolved[at, dst, key]
        return found
