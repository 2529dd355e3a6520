"""How the engine reads the implementation-defined corners of the specification."""

from __future__ import annotations

from dataclasses import dataclass

from netfence.engine.resolution import ResolvedName
from netfence.model import IPNetwork
from netfence.vocabulary import IPBlockReading


@dataclass(frozen=True)
class EngineOptions:
    """How to read the implementation-defined corners, extra CIDRs to split externals by, the
    pod CIDR endpoints without an IP have their address in (empty: the input's Nodes', else
    the default; see ``engine.addresses``), and names tied to addresses (``--resolve``)."""

    ipblock_pods: IPBlockReading = "match"
    extra_cidrs: tuple[IPNetwork, ...] = ()
    pod_cidrs: tuple[IPNetwork, ...] = ()
    resolved: tuple[ResolvedName, ...] = ()
