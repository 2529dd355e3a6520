"""Findings at scale: alike items told once, with a count and a few examples.

One mechanism for every rule: ``grouped`` gathers items by the story they tell, ``counted``
words a group. one-sided-flow groups its flows with them; ``group_endpoint_findings`` groups
the findings of any rule about endpoints of one namespace whose story differs only by which
endpoint it is about (the replicas of one workload, or alike workloads)."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import replace
from typing import TypeVar

from netfence.lint.finding import Finding
from netfence.lint.wording import endpoint_obj
from netfence.model import Endpoint

EXAMPLES = 3
T = TypeVar("T")
_ID = "\0endpoint-id\0"
_NAME = "\0endpoint-name\0"


def grouped(items: Iterable[T], key: Callable[[T], Hashable]) -> list[list[T]]:
    """``items`` gathered by ``key``, groups and members in their first-seen order."""
    groups: dict[Hashable, list[T]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return list(groups.values())


def counted(noun: str, examples: Sequence[str], total: int | None = None) -> str:
    """``5 connections (a; b; c; and 2 more)``: the count and the first ``EXAMPLES``
    (``examples`` may be the first few of ``total``)."""
    count = len(examples) if total is None else total
    shown = "; ".join(examples[:EXAMPLES])
    more = f"; and {count - EXAMPLES} more" if count > EXAMPLES else ""
    return f"{count} {noun} ({shown}{more})"


def _story(text: str, endpoint: Endpoint) -> str:
    """``text`` with the endpoint's own id and name taken out."""
    return text.replace(endpoint.id, _ID).replace(endpoint.name, _NAME)


def group_endpoint_findings(
    findings: Iterable[Finding], endpoints: Iterable[Endpoint]
) -> list[Finding]:
    """The findings, those of one rule and severity about endpoints of one namespace that
    tell the same story (message and fix alike but for the endpoint) made one finding: the
    first one's object and position, its message led by the count and examples."""
    by_obj = {endpoint_obj(e): e for e in endpoints}

    def key(finding: Finding) -> Hashable:
        endpoint = by_obj.get(finding.obj)
        if endpoint is None:
            return finding
        story = (_story(finding.message, endpoint), _story(finding.hint, endpoint))
        return (finding.rule, finding.severity, endpoint.namespace, story)

    result = []
    for members in grouped(findings, key):
        first = members[0]
        if len(members) == 1:
            result.append(first)
            continue
        namespace = by_obj[first.obj].namespace
        ids = [by_obj[f.obj].id for f in members]
        message = f"{counted(f'endpoints of {namespace}', ids)} alike: {first.message}"
        result.append(replace(first, message=message, members=tuple(f.obj for f in members)))
    return result
