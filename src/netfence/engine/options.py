"""How the engine reads the implementation-defined corners of the specification."""

from __future__ import annotations

from dataclasses import dataclass

from netfence.model import IPNetwork
from netfence.vocabulary import IPBlockReading


@dataclass(frozen=True)
class EngineOptions:
    """How to read the implementation-defined corners, and extra CIDRs to split externals by."""

    ipblock_pods: IPBlockReading = "match"
    extra_cidrs: tuple[IPNetwork, ...] = ()
