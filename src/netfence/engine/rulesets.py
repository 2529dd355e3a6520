"""All rules of one direction as matrices over node classes, so that one matrix product says
which rule admits which (source class, destination class) pair."""

from __future__ import annotations

import numpy as np

from netfence.engine.classes import NodeClasses
from netfence.engine.intervals import MAX_PORT
from netfence.model import Direction, Protocol


class DirectionRules:
    """Rules of every policy isolating ``direction``; K rules over C classes.

    ``peers[k]`` are the classes rule k's peers match, ``selected[k]`` those its policy
    selects; each ``ports`` entry of rule k becomes one row of the port table.
    """

    def __init__(self, classes: NodeClasses, direction: Direction) -> None:
        self.classes = classes
        self.direction = direction
        policies = classes.cluster.policies
        selected = [classes.selected(p) for p in policies]
        self.isolated = np.zeros(classes.size, dtype=bool)
        peers: list[np.ndarray] = []
        subjects: list[np.ndarray] = []
        portless: list[bool] = []
        entry: list[int] = []
        protocols: list[str] = []
        lows: list[int] = []
        highs: list[int] = []
        names: list[str] = []
        for index, policy in enumerate(policies):
            if direction not in policy.policy_types:
                continue
            self.isolated |= selected[index]
            for rule in policy.rules(direction):
                k = len(peers)
                peers.append(classes.peers(policy, rule))
                subjects.append(selected[index])
                portless.append(not rule.ports)
                for port in rule.ports:
                    entry.append(k)
                    protocols.append(port.protocol)
                    if isinstance(port.port, str):
                        lows.append(0)
                        highs.append(-1)
                        names.append(port.port)
                        continue
                    low = 1 if port.port is None else port.port
                    lows.append(low)
                    highs.append(MAX_PORT if port.port is None else port.end_port or low)
                    names.append("")
        size = classes.size
        self.peers = np.array(peers, dtype=bool).reshape(len(peers), size)
        self.subjects = np.array(subjects, dtype=bool).reshape(len(peers), size)
        self.portless = np.array(portless, dtype=bool)
        self.entry = np.array(entry, dtype=np.int64)
        self.protocols = np.array(protocols, dtype=object)
        self.lows = np.array(lows, dtype=np.int64)
        self.highs = np.array(highs, dtype=np.int64)
        self.names = np.array(names, dtype=object)

    def port_admits(self, protocol: Protocol, resolved: np.ndarray) -> np.ndarray:
        """[rule, destination class]: whether the rule's ports admit the queried port."""
        admits = np.zeros((len(self.peers), self.classes.size), dtype=bool)
        served = resolved >= 0
        admits[self.portless] = served
        same = self.protocols == protocol
        numeric = same & (self.names == "")
        if numeric.any():
            rows = (self.lows[numeric, None] <= resolved) & (resolved <= self.highs[numeric, None])
            np.logical_or.at(admits, self.entry[numeric], rows)
        for name in set(self.names[same & (self.names != "")]):
            table = self.classes.named_ports(name, protocol)
            row = (table == resolved[:, None]).any(axis=1) & served
            pick = same & (self.names == name)
            admits[self.entry[pick]] |= row
        return admits

    def admitted(self, protocol: Protocol, resolved: np.ndarray) -> np.ndarray:
        """[source class, destination class]: whether some rule admits the pair."""
        ports = self.port_admits(protocol, resolved)
        if self.direction == "ingress":
            sources, targets = self.peers, self.subjects & ports
        else:
            sources, targets = self.subjects, self.peers & ports
        active = sources.any(axis=1) & targets.any(axis=1)
        left = sources[active].T.astype(np.float32)
        right = targets[active].astype(np.float32)
        product: np.ndarray = (left @ right) > 0
        return product
