"""Exact semantic diff of two clusters' connectivity, through the engine.

Both engines get every ipBlock CIDR of both sides as ``extra_cidrs``, so their external
partitions line up; the pieces where they still differ are intersected, so each external
address is compared exactly once. Ports are compared as interval sets, never sampled.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace

from netfence.diff.result import Change, DiffResult
from netfence.engine import Engine, EngineOptions, ExternalRange, Node
from netfence.engine.intervals import IPSet, PortSet
from netfence.engine.tier_match import tier_cidrs
from netfence.model import PROTOCOLS, Cluster, Endpoint, IPNetwork, Protocol

Connections = Mapping[Protocol, PortSet]
Progress = Callable[[int, int], None]  # (pairs done, pairs in all)


@dataclass(frozen=True)
class Slot:
    """One node as each side knows it (``None`` where a side lacks it)."""

    id: str
    old: Node | None
    new: Node | None
    cidrs: tuple[IPNetwork, ...] = ()


def external_slot(
    ident: str, addresses: IPSet, old: ExternalRange | None, new: ExternalRange | None
) -> Slot:
    """A piece of the outside; named after its CIDRs unless a whole class on both sides."""
    return Slot(ident or f"ext:{addresses.description()}", old, new, addresses.cidrs())


def align_externals(old: tuple[ExternalRange, ...], new: tuple[ExternalRange, ...]) -> list[Slot]:
    """The common refinement of two external partitions."""
    new_sets = [(x, IPSet.of(x.cidrs)) for x in new]
    covered_by_old = IPSet()
    pieces: list[Slot] = []
    for xa in old:
        old_set = IPSet.of(xa.cidrs)
        covered_by_old = covered_by_old | old_set
        rest = old_set
        for xb, new_set in new_sets:
            common = old_set & new_set
            if not common.is_empty:
                same = common == old_set == new_set and xa.id == xb.id
                pieces.append(external_slot(xa.id if same else "", common, xa, xb))
                rest = rest - new_set
        if not rest.is_empty:
            pieces.append(external_slot("", rest, xa, None))
    for xb, new_set in new_sets:
        rest = new_set - covered_by_old
        if not rest.is_empty:
            pieces.append(external_slot("", rest, None, xb))
    return pieces


def _ranges(engine: Engine) -> tuple[ExternalRange, ...]:
    return tuple(x for x in engine.externals if not x.domain)


def domain_slots(old: tuple[ExternalRange, ...], new: tuple[ExternalRange, ...]) -> list[Slot]:
    """``fqdn:`` destinations, matched by name (they have no addresses to align)."""
    olds = {x.id: x for x in old if x.domain}
    news = {x.id: x for x in new if x.domain}
    return [Slot(i, olds.get(i), news.get(i)) for i in sorted(olds.keys() | news.keys())]


def _connections(
    engine: Engine, src: Node | None, dst: Node | None
) -> tuple[Connections, Connections]:
    """Ports allowed at some addresses of the ends without an IP, and at every one."""
    if src is None or dst is None:
        return {}, {}
    if src is dst and isinstance(src, Endpoint):  # a witness: two pods of its class
        return engine.connections_within(src)
    return engine.connections(src, dst), engine.certain_connections(src, dst)


def _classes(before: Engine, after: Engine, slot: Slot) -> tuple[int | None, int | None]:
    """The node's class on each side (None where a side lacks it)."""
    return (
        None if slot.old is None else before.node_class(slot.old),
        None if slot.new is None else after.node_class(slot.new),
    )


def pair_changes(
    src: Slot,
    dst: Slot,
    before: Connections,
    after: Connections,
    certain: Connections | None = None,
) -> Iterator[Change]:
    """Ports added and removed between two readings of one ordered pair, per protocol (ports
    that some address of an end without an IP allows count as allowed); an added change
    ``depends_on_address`` when ``certain`` (the new ports allowed at every address) lacks
    some of its ports."""
    for protocol in PROTOCOLS:
        old_ports = before.get(protocol, PortSet())
        new_ports = after.get(protocol, PortSet())
        added, removed = new_ports - old_ports, old_ports - new_ports
        if not added.is_empty:
            sure = new_ports if certain is None else certain.get(protocol, PortSet())
            yield Change(
                "added",
                src.id,
                dst.id,
                protocol,
                added,
                src.cidrs,
                dst.cidrs,
                depends_on_address=not (added - sure).is_empty,
            )
        if not removed.is_empty:
            yield Change("removed", src.id, dst.id, protocol, removed, src.cidrs, dst.cidrs)


def with_tier(engine: Engine, src: Slot, dst: Slot, change: Change) -> Change:
    """``change`` with the tier deciding the new state at its lowest port, if a tier does."""
    if src.new is None or dst.new is None:
        return change
    low = next(iter(change.ports))[0]
    return replace(change, tier=engine.verdict(src.new, dst.new, low, change.protocol).tier)


def aligned_options(old: Cluster, new: Cluster, options: EngineOptions | None) -> EngineOptions:
    """Engine options whose external partition is refined by both sides' ipBlocks, with one
    pod CIDR for both (given, else both inputs' Nodes', else the default)."""
    base = options or EngineOptions()
    pods = base.pod_cidrs or tuple(
        dict.fromkeys(c for side in (old, new) for node in side.nodes for c in node.pod_cidrs)
    )
    cidrs = dict.fromkeys(
        base.extra_cidrs
        + old.ipblock_cidrs()
        + new.ipblock_cidrs()
        + tier_cidrs(old)
        + tier_cidrs(new)
    )
    return replace(base, extra_cidrs=tuple(cidrs), pod_cidrs=pods)


def compare(
    old: Cluster,
    new: Cluster,
    *,
    old_label: str = "old",
    new_label: str = "new",
    options: EngineOptions | None = None,
    progress: Progress | None = None,
) -> DiffResult:
    """Connections the new cluster allows that the old does not (added), and the reverse."""
    engine_options = aligned_options(old, new, options)
    before, after = Engine(old, engine_options), Engine(new, engine_options)
    old_ends = {e.id: e for e in before.endpoints}
    new_ends = {e.id: e for e in after.endpoints}
    ids = sorted(old_ends.keys() | new_ends.keys())
    endpoints = [Slot(i, old_ends.get(i), new_ends.get(i)) for i in ids]
    externals = align_externals(_ranges(before), _ranges(after))
    externals += domain_slots(before.externals, after.externals)
    possible = dict(old.witnesses) | dict(new.witnesses)
    pairs = [(s, d) for s in endpoints for d in endpoints if s.id != d.id or s.id in possible]
    pairs += [(s, d) for s in endpoints for d in externals]
    pairs += [(s, d) for s in externals for d in endpoints]
    changes: list[Change] = []
    tiered = bool(old.tier_policies or new.tier_policies)
    answers: dict[tuple[int | None, ...], list[Change]] = {}
    for done, (src, dst) in enumerate(pairs, 1):
        key = (*_classes(before, after, src), *_classes(before, after, dst))
        if key not in answers:  # pairs of the same classes on both sides change alike
            before_pair = _connections(before, src.old, dst.old)[0]
            after_pair, certain = _connections(after, src.new, dst.new)
            found = pair_changes(src, dst, before_pair, after_pair, certain)
            answers[key] = [with_tier(after, src, dst, c) if tiered else c for c in found]
        changes.extend(
            replace(c, src=src.id, dst=dst.id, src_cidrs=src.cidrs, dst_cidrs=dst.cidrs)
            for c in answers[key]
        )
        if progress is not None:
            progress(done, len(pairs))
    return DiffResult(
        old=old_label,
        new=new_label,
        changes=tuple(changes),
        endpoints_added=tuple(sorted(new_ends.keys() - old_ends.keys())),
        endpoints_removed=tuple(sorted(old_ends.keys() - new_ends.keys())),
        ipblock_pods=engine_options.ipblock_pods,
        witnesses=tuple(sorted(possible.items())),
        notes=tuple(dict.fromkeys((*before.placement_notes, *after.placement_notes))),
    )
