"""Ports: numbers, names resolved on the destination's container ports, endPort ranges."""

from __future__ import annotations

from typing import Literal

from netfence.engine.external import ExternalRange
from netfence.engine.intervals import PortSet
from netfence.engine.peers import Node
from netfence.model import PolicyPort, Protocol, Rule


def named_ports(dst: Node | None, name: str, protocol: Protocol) -> tuple[int, ...]:
    """Numbers the destination serves under ``name``; external ranges (and destinations
    outside the model, ``None``) serve no names."""
    if dst is None or isinstance(dst, ExternalRange):
        return ()
    return dst.named_ports(name, protocol)


def resolve(port: int | str, protocol: Protocol, dst: Node | None) -> int | None:
    """The number a queried port stands for at ``dst`` (None when a name is not served)."""
    if isinstance(port, int):
        return port
    numbers = named_ports(dst, port, protocol)
    return min(numbers) if numbers else None


def policy_port_set(policy_port: PolicyPort, protocol: Protocol, dst: Node) -> PortSet:
    """Ports of ``protocol`` one ``ports`` entry admits towards ``dst``."""
    if policy_port.protocol != protocol:
        return PortSet()
    if policy_port.port is None:
        return PortSet.all()
    if isinstance(policy_port.port, int):
        return PortSet.single(policy_port.port, policy_port.end_port)
    return PortSet.of((n, n) for n in named_ports(dst, policy_port.port, protocol))


def rule_port_set(rule: Rule, protocol: Protocol, dst: Node) -> PortSet:
    """Ports of ``protocol`` a rule admits towards ``dst`` (all when it lists none)."""
    if not rule.ports:
        return PortSet.all()
    admitted = PortSet()
    for policy_port in rule.ports:
        admitted = admitted | policy_port_set(policy_port, protocol, dst)
    return admitted


def policy_port_admits(policy_port: PolicyPort, protocol: Protocol, port: int, dst: Node) -> bool:
    """Whether one ``ports`` entry admits ``port``/``protocol`` towards ``dst``."""
    if policy_port.protocol != protocol:
        return False
    if policy_port.port is None:
        return True
    if isinstance(policy_port.port, int):
        last = policy_port.port if policy_port.end_port is None else policy_port.end_port
        return policy_port.port <= port <= last
    return port in named_ports(dst, policy_port.port, protocol)


def matching_port(
    rule: Rule, protocol: Protocol, port: int, dst: Node
) -> int | Literal[False] | None:
    """Index of the first ``ports`` entry admitting the port; None when the rule lists none;
    False when none admits it."""
    if not rule.ports:
        return None
    for index, policy_port in enumerate(rule.ports):
        if policy_port_admits(policy_port, protocol, port, dst):
            return index
    return False
