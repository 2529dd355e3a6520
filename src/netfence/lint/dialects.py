"""policy-kind-not-evaluated: objects of policy-like kinds the engine ignores, once per kind."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from netfence.lint.catalogue import found
from netfence.lint.finding import Finding
from netfence.model import UnevaluatedObject
from netfence.model.types import group_by_kind

SHOWN = 5


def check_not_evaluated(objects: Sequence[UnevaluatedObject]) -> Iterator[Finding]:
    """One finding per kind, at its first object, naming up to five of them."""
    for label, group in group_by_kind(objects).items():
        first = group[0]
        names = ", ".join(o.id for o in group[:SHOWN]) + (", ..." if len(group) > SHOWN else "")
        count = f"{len(group)} {label} object{'s' if len(group) != 1 else ''}"
        verb = "are" if len(group) != 1 else "is"
        yield found(
            "policy-kind-not-evaluated",
            message=f"{count} {verb} not evaluated ({names}): every verdict ignores what "
            f"{'they allow or deny' if len(group) != 1 else 'it allows or denies'}",
            obj="/".join(p for p in (first.kind, first.namespace, first.name) if p),
            source=first.source,
        )
