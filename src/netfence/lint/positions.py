"""Where a finding points: a field inside a document, or the rule that admits a connection."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from netfence.engine import Engine, ExternalRange, Node, RuleRef
from netfence.lint.wording import Connections
from netfence.load import Document, Path
from netfence.model import Direction
from netfence.problems import Source


def field_source(
    documents: Mapping[Source, Document], source: Source | None, path: Path
) -> Source | None:
    """The position of a field inside the document at ``source`` (or ``source`` itself)."""
    doc = documents.get(source) if source is not None else None
    return doc.source_of(path) if doc is not None else source


def admitting_location(
    rule_source: Callable[[RuleRef], Source | None],
    engine: Engine,
    direction: Direction,
    src: Node,
    dst: Node,
    connections: Connections,
) -> Source | None:
    """The rule at ``direction``'s end that admits ``src -> dst``; the endpoint itself
    when that end is not isolated."""
    subject = src if direction == "egress" else dst
    if isinstance(subject, ExternalRange):
        return None
    if not engine.selecting(subject, direction):
        return subject.source
    protocol, ports = next(iter(sorted(connections.items())))
    verdict = engine.class_verdict(src, dst, ports.ranges[0][0], protocol)
    side = verdict.egress if direction == "egress" else verdict.ingress
    return rule_source(side.admitted_by[0]) if side.admitted_by else subject.source
