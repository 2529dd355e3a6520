"""Live probes: a plan from the engine's expectations, run through an exec transport, compared.

Sources are real pods (a transport enters them); each destination pod is probed on its
container ports. TCP is a connect, UDP 53 a DNS query; other UDP and SCTP cannot be
confirmed from a shell and are reported as "could not test" with the reason.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol as TypingProtocol

from netfence.cluster.probecmd import Commands, ExecResult, read_dns, read_tcp
from netfence.engine import Engine
from netfence.engine.ports import resolve
from netfence.model import Endpoint, IPAddress, Protocol
from netfence.probes import (
    UNTESTED,
    Comparison,
    Measurement,
    Probe,
    Reachability,
    compare_measurements,
)
from netfence.vocabulary import DNS_PORT


@dataclass(frozen=True)
class ProbeOptions:
    """Which endpoints and ports, how many probes at most, and how patient to be."""

    namespaces: tuple[str, ...] = ()
    ports: tuple[int | str, ...] = ()
    max_probes: int = 500
    timeout: float = 2.0
    retries: int = 2
    retry_delay: float = 2.0


@dataclass(frozen=True)
class ProbeCase:
    """One probe: from a source pod to a destination address and port, and the prediction."""

    src: Endpoint
    dst: Endpoint
    ip: IPAddress | None
    port: int
    protocol: Protocol
    expected: bool
    untestable: str = ""

    @property
    def kind(self) -> str:
        if self.untestable:
            return "none"
        return "dns" if self.protocol == "UDP" else "tcp"


@dataclass(frozen=True)
class ProbeResult:
    """A probe case and what the cluster measured for it."""

    case: ProbeCase
    measurement: Measurement

    @property
    def outcome(self) -> Reachability:
        return self.measurement.reachability

    @property
    def why(self) -> str:
        return self.measurement.note

    @property
    def attempts(self) -> int:
        return self.measurement.attempts

    @property
    def agrees(self) -> bool:
        return self.outcome == ("allowed" if self.case.expected else "blocked")


@dataclass(frozen=True)
class ProbePlan:
    """The probes to run, and how many more ``max_probes`` left out."""

    cases: tuple[ProbeCase, ...]
    left_out: int = 0


class ExecTransport(TypingProtocol):
    """Runs commands as a source pod: a live pod's ephemeral container, or a lab namespace."""

    @property
    def commands(self) -> Commands:
        """The argv flavour this transport's environment understands."""
        ...

    def prepare(self, source: Endpoint) -> str | None:
        """Get ready to run commands as ``source``; the reason when that is impossible."""
        ...

    def run(self, source: Endpoint, argv: Sequence[str], timeout: float) -> ExecResult: ...

    def cleanup(self) -> list[str]:
        """Undo what ``prepare`` did; lines saying what was left behind and why."""
        ...


def _selected(endpoint: Endpoint, namespaces: tuple[str, ...]) -> bool:
    return endpoint.kind == "Pod" and (not namespaces or endpoint.namespace in namespaces)


def _target(src: Endpoint, dst: Endpoint) -> IPAddress | None:
    families = {ip.version for ip in src.ips}
    return next((ip for ip in dst.ips if ip.version in families), None)


def _ports(dst: Endpoint, wanted: tuple[int | str, ...]) -> list[tuple[int, Protocol]]:
    """The destination's container ports, or those of ``wanted`` it serves."""
    served = sorted({(p.port, p.protocol) for p in dst.ports})
    if not wanted:
        return served
    numbers = {w for w in wanted if isinstance(w, int)}
    names = {w for w in wanted if isinstance(w, str)}
    named = {(p.port, p.protocol) for p in dst.ports if p.name in names}
    return [pp for pp in served if pp[0] in numbers or pp in named]


def _why_untestable(src: Endpoint, dst: Endpoint, protocol: Protocol, port: int) -> str:
    if src.host_network:
        return "source uses the host network (policies do not apply to it)"
    if dst.host_network:
        return "destination uses the host network"
    if not src.ips:
        return "source pod has no IP"
    if protocol == "SCTP":
        return "SCTP cannot be probed from a shell"
    if protocol == "UDP" and port != DNS_PORT:
        return "UDP other than DNS gives no answer to tell allowed from blocked"
    return ""


def probe_case(
    src: Endpoint, dst: Endpoint, port: int, protocol: Protocol, expected: bool
) -> ProbeCase:
    """How ``src`` reaches ``dst`` on ``port``: the address, or why it cannot be tested."""
    ip = _target(src, dst)
    why = _why_untestable(src, dst, protocol, port)
    if ip is None and not why:
        why = "no address family in common"
    return ProbeCase(src, dst, ip, port, protocol, expected, why)


def plan_probes(engine: Engine, options: ProbeOptions) -> ProbePlan:
    """Every (source pod, destination pod, served port) with the engine's prediction."""
    pods = [e for e in engine.endpoints if _selected(e, options.namespaces) and e.ips]
    cases: list[ProbeCase] = []
    for dst in pods:
        for port, protocol in _ports(dst, options.ports):
            for src in pods:
                if src.id == dst.id:
                    continue
                verdict = engine.verdict(src, dst, port, protocol)
                cases.append(probe_case(src, dst, port, protocol, verdict.allowed))
    kept = cases[: options.max_probes]
    return ProbePlan(tuple(kept), len(cases) - len(kept))


def _measure(transport: ExecTransport, case: ProbeCase, timeout: float) -> tuple[Reachability, str]:
    assert case.ip is not None
    if case.kind == "dns":
        return read_dns(transport.run(case.src, transport.commands.dns(case.ip, timeout), timeout))
    argv = transport.commands.tcp(case.ip, case.port, timeout)
    return read_tcp(transport.run(case.src, argv, timeout))


def _measurement(case: ProbeCase, outcome: Reachability, why: str, attempts: int) -> Measurement:
    allowed = None if outcome == UNTESTED else outcome == "allowed"
    return Measurement(
        case.src.id, case.dst.id, case.port, case.port, case.protocol, allowed, why, attempts
    )


class ClusterRunner:
    """A live cluster's runner of the probe protocol: commands run as the source pod through
    an exec transport; disagreements are retried to ride out enforcement lag on new pods."""

    measured_by = "cluster"

    def __init__(
        self,
        endpoints: Iterable[Endpoint],
        transport: ExecTransport,
        options: ProbeOptions,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._endpoints = {e.id: e for e in endpoints}
        self._transport = transport
        self._options = options
        self._sleep = sleep
        self._ready: dict[str, str | None] = {}

    def measure(self, probes: Sequence[Probe]) -> list[Measurement]:
        """Probes between endpoints (names resolve on the destination's container ports)."""
        return [self._measure_probe(probe) for probe in probes]

    def _measure_probe(self, probe: Probe) -> Measurement:
        src, dst = self._endpoints[probe.src], self._endpoints[probe.dst]
        port = resolve(probe.port, probe.protocol, dst)
        if port is None:
            why = f"destination serves no {probe.protocol} port named {probe.port}"
            return Measurement(probe.src, probe.dst, probe.port, None, probe.protocol, None, why, 0)
        case = probe_case(src, dst, port, probe.protocol, bool(probe.expected))
        return replace(self.run(case), port=probe.port)

    def run(self, case: ProbeCase) -> Measurement:
        """One case, retried while it disagrees with the expectation."""
        if case.untestable:
            return _measurement(case, UNTESTED, case.untestable, 0)
        if case.src.id not in self._ready:
            self._ready[case.src.id] = self._transport.prepare(case.src)
        reason = self._ready[case.src.id]
        if reason is not None:
            return _measurement(case, UNTESTED, reason, 0)
        expected = "allowed" if case.expected else "blocked"
        attempts = 0
        while True:
            attempts += 1
            outcome, why = _measure(self._transport, case, self._options.timeout)
            if outcome in (expected, UNTESTED) or attempts > self._options.retries:
                return _measurement(case, outcome, why, attempts)
            self._sleep(self._options.retry_delay)


def run_probes(
    cases: Iterable[ProbeCase],
    transport: ExecTransport,
    options: ProbeOptions,
    sleep: Callable[[float], None] = time.sleep,
) -> list[ProbeResult]:
    """Run each planned case through a ``ClusterRunner``."""
    cases = list(cases)
    runner = ClusterRunner((c.src for c in cases), transport, options, sleep)
    return [ProbeResult(case, runner.run(case)) for case in cases]


def compare_results(results: Sequence[ProbeResult]) -> list[Comparison]:
    """Per port and protocol: agreed, differing and untested cells."""
    return compare_measurements((r.measurement, r.case.expected) for r in results)
