"""The probe's test mode: "pods" are lab namespaces and exec runs inside them.

The planner and the comparison then run end to end against real sockets and the lab's
nftables rules, with no cluster at all.
"""

from __future__ import annotations

from collections.abc import Sequence

from netfence.cluster.probecmd import ExecResult, PythonCommands
from netfence.lab import netns
from netfence.lab.netns import LabError
from netfence.lab.session import Lab
from netfence.model import Endpoint


class LabTransport:
    """Exec in the lab namespace that stands for each endpoint of a running lab."""

    def __init__(self, lab: Lab) -> None:
        self.commands = PythonCommands()
        self._namespaces = {node.ident: node.namespace for node in lab.topology.nodes}

    def prepare(self, source: Endpoint) -> str | None:
        return None if source.id in self._namespaces else "not part of the lab"

    def run(self, source: Endpoint, argv: Sequence[str], timeout: float) -> ExecResult:
        try:
            return ExecResult(0, netns.run_in(self._namespaces[source.id], argv))
        except LabError as exc:
            return ExecResult(1, str(exc))

    def cleanup(self) -> list[str]:
        """Nothing to undo: the lab's owner tears it down."""
        return []
