"""NetworkPolicy semantics: verdicts with reasons, connectivity matrices, exact port sets."""

from netfence.engine.core import Engine, EngineOptions
from netfence.engine.external import ExternalRange
from netfence.engine.intervals import IPSet, PortSet
from netfence.engine.matrix import Matrix
from netfence.engine.peers import Node
from netfence.engine.verdict import RuleRef, SideVerdict, Verdict
from netfence.vocabulary import IPBlockReading

__all__ = [
    "Engine",
    "EngineOptions",
    "ExternalRange",
    "IPBlockReading",
    "IPSet",
    "Matrix",
    "Node",
    "PortSet",
    "RuleRef",
    "SideVerdict",
    "Verdict",
]
