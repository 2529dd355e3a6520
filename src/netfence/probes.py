"""The probe protocol: what a runner measures, and how measured cells compare with the engine.

Two runners stand behind one interface (cyclonus' job runner): the lab's kernel data plane
(``lab.runs.KernelRunner``) and a live cluster (``cluster.probe.ClusterRunner``). Both return
``Measurement``s; "could not test" is a state of its own, never a guess. Renderers and both
runners import this module; it imports neither of them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from netfence.model import Protocol as IPProtocol

Reachability = Literal["allowed", "blocked", "could not test"]
UNTESTED: Reachability = "could not test"


@dataclass(frozen=True)
class Probe:
    """One connection to try: from ``src`` to ``dst`` (endpoint or external ids) on a port
    (a number, or a name resolved on the destination), and what the engine expects."""

    src: str
    dst: str
    port: int | str
    protocol: IPProtocol
    expected: bool | None = None


@dataclass(frozen=True)
class Measurement:
    """One measured cell: ``allowed`` is ``None`` when it could not be tested (``note`` says
    why); ``resolved_port`` is the number a port name stood for at the destination."""

    src: str
    dst: str
    port: int | str
    resolved_port: int | None
    protocol: IPProtocol
    allowed: bool | None
    note: str = ""
    attempts: int = 1

    @property
    def reachability(self) -> Reachability:
        if self.allowed is None:
            return UNTESTED
        return "allowed" if self.allowed else "blocked"


class Runner(Protocol):
    """Measures probes on a data plane: the lab's kernel, or a live cluster."""

    @property
    def measured_by(self) -> str:
        """What the comparison table names as the measuring side ("lab", "cluster")."""
        ...

    def measure(self, probes: Sequence[Probe]) -> list[Measurement]:
        """One measurement per probe, in order."""
        ...


@dataclass(frozen=True)
class Difference:
    """A cell where the data plane measured something else than the engine predicted."""

    src: str
    dst: str
    predicted: bool
    measured: bool


@dataclass(frozen=True)
class Comparison:
    """One port/protocol: how many cells agreed, differed, or could not be tested."""

    port: int | str
    protocol: IPProtocol
    cells: int
    differences: tuple[Difference, ...]
    untested: tuple[tuple[str, str, str], ...]

    @property
    def agreed(self) -> int:
        return self.cells - len(self.differences) - len(self.untested)


def compare_cells(
    port: int | str, protocol: IPProtocol, cells: Sequence[tuple[Measurement, bool]]
) -> Comparison:
    """One port/protocol's cells, each a measurement with the engine's prediction."""
    differences = tuple(
        Difference(m.src, m.dst, predicted, m.allowed)
        for m, predicted in cells
        if m.allowed is not None and m.allowed != predicted
    )
    untested = tuple((m.src, m.dst, m.note) for m, _ in cells if m.allowed is None)
    return Comparison(port, protocol, len(cells), differences, untested)


def compare_measurements(cells: Iterable[tuple[Measurement, bool]]) -> list[Comparison]:
    """Measurements with their predictions, compared per port and protocol (in port order)."""
    groups: dict[tuple[int | str, IPProtocol], list[tuple[Measurement, bool]]] = defaultdict(list)
    for measurement, predicted in cells:
        groups[(measurement.port, measurement.protocol)].append((measurement, predicted))
    order = sorted(groups, key=lambda key: (str(key[0]).zfill(5), key[1]))
    return [compare_cells(port, protocol, groups[(port, protocol)]) for port, protocol in order]
