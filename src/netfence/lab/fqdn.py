"""FQDN egress in the lab: the concrete name looked up for each ``fqdn:`` node, and the
nftables sets DNS answers fill.

An ``fqdn:`` node stands for every name its pattern matches; the lab resolves one of them,
each wildcard replaced by ``netfence-lab`` (``*.githubusercontent.com`` is looked up as
``netfence-lab.githubusercontent.com``; ``*`` alone as ``netfence-lab``), a name no rule
written for real services names. A rule allowing names is an empty set of addresses in the
endpoint's table; the endpoint's own DNS proxy (``dns_proxy``) adds the addresses it answers
for a name to the sets of every rule whose patterns match the name, and for Cilium only when
a DNS rule of the endpoint lets Cilium's proxy see the lookup. An address the endpoint did
not resolve stays out of every set.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

LAB_LABEL = "netfence-lab"


def lookup_name(domain: str) -> str:
    """The name the lab resolves for an ``fqdn:`` node (its wildcards made concrete)."""
    if domain.startswith("**."):
        domain = "*." + domain[3:]
    return domain.replace("*", LAB_LABEL)


@dataclass(frozen=True)
class FqdnSet:
    """An endpoint's set of addresses for one rule's names: ``patterns`` as the rule writes
    them, ``covers`` the dialect's matching of a pattern and a name, ``seen`` the DNS patterns
    whose lookups the proxy learns from (None: every lookup)."""

    name: str
    patterns: tuple[str, ...]
    covers: Callable[[str, str], bool]
    seen: tuple[str, ...] | None = None

    def fills(self, lookup: str) -> bool:
        """Whether answers for ``lookup`` go into this set."""
        if not any(self.covers(p, lookup) for p in self.patterns):
            return False
        return self.seen is None or any(self.covers(p, lookup) for p in self.seen)


def fills(sets: Sequence[FqdnSet], lookups: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Each looked-up name with the sets its answers fill (names filling none left out)."""
    out: dict[str, tuple[str, ...]] = {}
    for lookup in sorted(set(lookups)):
        chosen = tuple(s.name for s in sets if s.fills(lookup))
        if chosen:
            out[lookup] = chosen
    return out
