"""Options of a lint run: which rules, DNS addresses, cluster CIDRs, ipBlock reading."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from netfence.engine import EngineOptions
from netfence.engine.addresses import DEFAULT_POD_CIDRS
from netfence.lint.catalogue import RULES
from netfence.model import IPAddress, IPNetwork
from netfence.vocabulary import IPBlockReading

DEFAULT_SERVICE_CIDRS: tuple[IPNetwork, ...] = (ipaddress.ip_network("10.96.0.0/12"),)
ALL_RULES: frozenset[str] = frozenset(rule.id for rule in RULES)


@dataclass(frozen=True)
class LintOptions:
    """How to lint. Empty CIDR tuples mean "unknown": the kubeadm defaults are assumed;
    ``engine``: the same engine options every command takes (the ipBlock reading)."""

    rules: frozenset[str] = ALL_RULES
    dns_ips: tuple[IPAddress, ...] = ()
    pod_cidrs: tuple[IPNetwork, ...] = ()
    service_cidrs: tuple[IPNetwork, ...] = ()
    dns_labels: tuple[tuple[str, str], ...] = (("k8s-app", "kube-dns"),)
    redundancy_budget: int = 50_000
    guardrails: tuple[str, ...] = ()
    """The guardrails a blueprint asks for (``denyInternet``, ...), checked against the tiers."""
    engine: EngineOptions = field(default_factory=EngineOptions)

    @property
    def ipblock_pods(self) -> IPBlockReading:
        return self.engine.ipblock_pods

    @property
    def effective_pod_cidrs(self) -> tuple[IPNetwork, ...]:
        return self.pod_cidrs or DEFAULT_POD_CIDRS

    @property
    def effective_service_cidrs(self) -> tuple[IPNetwork, ...]:
        return self.service_cidrs or DEFAULT_SERVICE_CIDRS
