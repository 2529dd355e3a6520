"""Endpoint filters as users write them: kubectl ``-l`` selector syntax, or ``ns/name``."""

from __future__ import annotations

import re
from collections.abc import Callable
from fnmatch import fnmatchcase

from netfence.model import Endpoint, LabelSelector, Requirement
from netfence.model.types import Operator

EndpointFilter = Callable[[Endpoint], bool]

_TERM = re.compile(
    r"""\s*(?:
        (?P<absent>!\s*(?P<absent_key>[\w./-]+))
      | (?P<set_key>[\w./-]+)\s+(?P<set_op>in|notin)\s*\((?P<values>[^)]*)\)
      | (?P<eq_key>[\w./-]+)\s*(?P<eq_op>==|!=|=)\s*(?P<eq_value>[\w./-]*)
      | (?P<exists>[\w./-]+)
    )\s*(?:,|$)""",
    re.VERBOSE,
)


class FilterError(ValueError):
    """A filter the user wrote could not be read."""


def parse_selector(text: str) -> LabelSelector:
    """``app=web,tier!=db,env in (a,b),!legacy,team`` as a LabelSelector."""
    labels: list[tuple[str, str]] = []
    requirements: list[Requirement] = []
    position = 0
    text = text.strip()
    while position < len(text):
        match = _TERM.match(text, position)
        if match is None or match.end() == position:
            raise FilterError(f"cannot read label selector {text!r} at {text[position:]!r}")
        position = match.end()
        if match["absent"]:
            requirements.append(Requirement(match["absent_key"], "DoesNotExist"))
        elif match["set_key"]:
            values = frozenset(v.strip() for v in match["values"].split(",") if v.strip())
            operator: Operator = "In" if match["set_op"] == "in" else "NotIn"
            requirements.append(Requirement(match["set_key"], operator, values))
        elif match["eq_key"]:
            if match["eq_op"] == "!=":
                requirements.append(
                    Requirement(match["eq_key"], "NotIn", frozenset((match["eq_value"],)))
                )
            else:
                labels.append((match["eq_key"], match["eq_value"]))
        else:
            requirements.append(Requirement(match["exists"], "Exists"))
    return LabelSelector(tuple(sorted(labels)), tuple(requirements))


def parse_filter(text: str) -> EndpointFilter:
    """``ns/name`` (shell wildcards allowed, e.g. ``ai-data/*``) or a label selector."""
    if "/" in text and not any(op in text for op in ("=", "(", "!")):
        namespace, _, name = text.partition("/")
        return lambda e: fnmatchcase(e.namespace, namespace) and fnmatchcase(e.name, name)
    selector = parse_selector(text)
    return lambda e: selector.matches(e.label_map)
