"""A lab's life cycle: build on entry, tear down on exit, on signals and at interpreter exit."""

from __future__ import annotations

import atexit
import functools
import signal
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from types import FrameType, TracebackType

from netfence.lab import nft, state, topology
from netfence.lab.addresses import named_cidrs
from netfence.lab.fqdn import FqdnSet
from netfence.lab.names import new_lab_id
from netfence.lab.netns import Entry
from netfence.lab.nft_calico import external_nodes
from netfence.lab.topology import ExternalSpec
from netfence.model import Cluster, IPAddress
from netfence.vocabulary import IPBlockReading

_ACTIVE: set[str] = set()


def _tear_down_all() -> None:
    for lab_id in sorted(_ACTIVE):
        _ACTIVE.discard(lab_id)
        state.remove(lab_id)


def _exit_on_signal(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


@functools.cache
def _install_cleanup() -> None:
    """Once per process: tear labs down at exit and turn SIGTERM/SIGHUP into a clean exit."""
    atexit.register(_tear_down_all)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _exit_on_signal)


class Lab:
    """Namespaces, links and nftables rules for a cluster whose endpoints all have addresses
    (``unknown`` ones, made up by the lab, are never matched by ipBlocks)."""

    def __init__(
        self,
        cluster: Cluster,
        externals: Sequence[ExternalSpec] = (),
        reading: IPBlockReading = "match",
        purpose: str = "",
        unknown: frozenset[IPAddress] = frozenset(),
    ) -> None:
        self.cluster = cluster
        self.reading = reading
        self.topology = topology.plan(new_lab_id(), cluster, externals, named_cidrs(cluster))
        self.entry = Entry()
        externals_here = external_nodes(self.topology.nodes)
        compiled = {
            node.ident: nft.compile_endpoint(
                cluster, node.endpoint, reading, unknown, externals_here
            )
            for node in self.topology.nodes
            if node.endpoint is not None
        }
        self.rulesets = {ident: c.text for ident, c in compiled.items()}
        self.fqdn_sets: dict[str, tuple[FqdnSet, ...]] = {
            ident: c.fqdn_sets for ident, c in compiled.items() if c.fqdn_sets
        }
        self.state = state.LabState(
            self.topology.lab_id,
            list(self.topology.namespaces),
            purpose=purpose,
            nodes={n.ident: n.namespace for n in self.topology.nodes},
        )

    @property
    def lab_id(self) -> str:
        return self.topology.lab_id

    def __enter__(self) -> Lab:
        _install_cleanup()
        _ACTIVE.add(self.lab_id)
        try:
            state.save(self.state)
            topology.build(self.topology, self.entry)
            self._apply_rules()
        except BaseException:
            self.close()
            raise
        return self

    def _apply_rules(self) -> None:
        with ThreadPoolExecutor(max_workers=8) as pool:
            jobs = [
                pool.submit(nft.load_ruleset, node.namespace, self.rulesets[node.ident])
                for node in self.topology.nodes
                if node.endpoint is not None
            ]
            for job in jobs:
                job.result()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def keep(self) -> None:
        """Leave the lab running after this process ends (``lab down`` removes it)."""
        state.save(self.state)
        _ACTIVE.discard(self.lab_id)

    def close(self) -> None:
        """Tear the lab down (idempotent)."""
        if self.lab_id in _ACTIVE:
            _ACTIVE.discard(self.lab_id)
            state.remove(self.lab_id)
        self.entry.close()
