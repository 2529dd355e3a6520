"""Cilium's DNS patterns (``matchName``, ``matchPattern``) and when one covers an ``fqdn:`` node.

``*`` matches zero or more DNS characters inside one label; ``*`` alone matches every name;
a leading ``**.`` matches one or more whole labels. An ``fqdn:`` node stands for every name its
own pattern matches, so a pattern covers it when it matches the node's pattern with the
node's wildcards standing for what they match.
"""

from __future__ import annotations

import re
from functools import lru_cache

# A node's leading "**." is written as this character: only a rule's "**." absorbs it.
_MULTI = "\x00"
_LABEL_CHARS = "-a-z0-9_*"


@lru_cache(maxsize=4096)
def _regex(pattern: str) -> re.Pattern[str]:
    body = pattern
    prefix = ""
    if body.startswith("**."):
        prefix = rf"([{_LABEL_CHARS}{_MULTI}]+\.)+"
        body = body[3:]
    parts = (re.escape(part) for part in body.split("*"))
    return re.compile("^" + prefix + f"[{_LABEL_CHARS}]*".join(parts) + "$")


def covers(pattern: str, node: str) -> bool:
    """Whether every name the ``fqdn:`` node ``node`` stands for matches ``pattern``."""
    if pattern == "*":
        return True
    if node == "*":
        return False
    written = _MULTI + node[2:] if node.startswith("**.") else node
    return _regex(pattern).match(written) is not None
