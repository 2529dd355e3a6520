"""The semantic diff as JSON, for scripts and CI."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from netfence.diff.result import Change, DiffResult


def change_record(change: Change, grouped: bool = False) -> dict[str, Any]:
    """One connection: pair, protocol, ports as text and as inclusive ranges.

    An external side also lists its exact CIDRs (``from_cidrs``/``to_cidrs``); a grouped one
    how many ordered pairs of members change so (``pairs``), of how many (``of``).
    """
    record: dict[str, Any] = {"from": change.src, "to": change.dst}
    if change.src_external:
        record["from_cidrs"] = [str(c) for c in change.src_cidrs]
    if change.dst_external:
        record["to_cidrs"] = [str(c) for c in change.dst_cidrs]
    record |= {
        "protocol": change.protocol,
        "ports": str(change.ports),
        "port_ranges": [list(r) for r in change.ports],
    }
    if change.tier is not None:
        record["tier"] = change.tier
    if change.depends_on_address:
        record["depends_on_address"] = True
    if grouped:
        record |= {"pairs": change.pairs, "of": change.of}
    return record


_HOLE = "\u0000records"
RECORDS_PER_PIECE = 10_000
"""Change records written per piece."""


def diff_document(result: DiffResult, records: bool = True) -> dict[str, Any]:
    """The JSON-ready form of a diff (with ``possible_endpoints`` when both sides were
    evaluated on possible witnesses, and ``group`` with member-pair counts when grouped);
    without ``records``, the change lists are holes."""
    grouped = result.is_grouped
    document: dict[str, Any] = {
        "old": result.old,
        "new": result.new,
        "ipblock_pods": result.ipblock_pods,
        **({"group": result.group} if grouped else {}),
        "summary": {
            "added": len(result.added),
            "removed": len(result.removed),
            "new_egress": len(result.new_egress),
            "new_ingress": len(result.new_ingress),
        },
        "endpoints": {
            "added": list(result.endpoints_added),
            "removed": list(result.endpoints_removed),
        },
        "added": [change_record(c, grouped) for c in result.added] if records else _HOLE,
        "removed": [change_record(c, grouped) for c in result.removed] if records else _HOLE,
    }
    if grouped:
        document["summary"] |= {
            "pod_records": result.pod_records,
            "pairs_added": result.pairs("added"),
            "pairs_removed": result.pairs("removed"),
        }
    if result.notes:
        document["notes"] = list(result.notes)
    if result.witnesses:
        document["possible_endpoints"] = [
            {"id": ident, "description": text, "observed": False}
            for ident, text in result.witnesses
        ]
    return document


def _records_text(
    changes: tuple[Change, ...], tails: dict[tuple[object, ...], str], grouped: bool
) -> Iterator[str]:
    """``json.dumps(records, indent=2)`` of change records nested one level down, in pieces
    of ``RECORDS_PER_PIECE`` records, written with each record's text after its pair built
    once per protocol, ports, tier and address dependence, and each end's text once (a big
    diff has hundreds of thousands of records, few such tails and few ends)."""
    if not changes:
        yield "[]"
        return
    froms: dict[str, str] = {}
    tos: dict[str, str] = {}
    ranges: dict[tuple[str, str, tuple[object, ...]], str] = {}
    texts: list[str] = []
    opening = "[\n"
    for change in changes:
        key = (change.protocol, change.ports, change.tier, change.depends_on_address)
        tail = tails.get(key)
        if tail is None:
            record = {k: v for k, v in change_record(change).items() if k not in _PAIR_KEYS}
            tail = json.dumps(record, indent=2).replace("\n", "\n    ")[1:]
            tails[key] = tail
        if grouped:  # the counts close the record
            counts = f',\n      "pairs": {change.pairs},\n      "of": {change.of}'
            tail = tail[: -len(_CLOSE)] + counts + _CLOSE
        src, dst = change.src, change.dst
        head = froms.get(src)
        if head is None:
            head = froms[src] = f'    {{\n      "from": {_string(src)},'
        to = tos.get(dst)
        if to is None:
            to = tos[dst] = f'\n      "to": {_string(dst)},'
        head += to
        if src.startswith("ext:"):
            head += _cidrs_text(ranges, "from_cidrs", src, change.src_cidrs)
        if dst.startswith("ext:"):
            head += _cidrs_text(ranges, "to_cidrs", dst, change.dst_cidrs)
        texts.append(head + tail)
        if len(texts) == RECORDS_PER_PIECE:
            yield opening + ",\n".join(texts)
            opening = ",\n"
            texts.clear()
    if texts:
        yield opening + ",\n".join(texts)
    yield "\n  ]"


def _cidrs_text(
    ranges: dict[tuple[str, str, tuple[object, ...]], str],
    name: str,
    ident: str,
    cidrs: tuple[object, ...],
) -> str:
    """An external end's ``"from_cidrs"``/``"to_cidrs"`` member, made once per range."""
    key = (name, ident, cidrs)
    if key not in ranges:
        listed = json.dumps([str(c) for c in cidrs], indent=2)
        ranges[key] = f'\n      "{name}": ' + listed.replace("\n", "\n      ") + ","
    return ranges[key]


_PAIR_KEYS = ("from", "to", "from_cidrs", "to_cidrs")
_CLOSE = "\n    }"
_string = json.encoder.encode_basestring_ascii


def diff_json_pieces(result: DiffResult) -> Iterator[str]:
    """``json.dumps(diff_document(result), indent=2)`` in pieces, the change lists written
    fast (a big diff's JSON is never held as one string)."""
    rest = json.dumps(diff_document(result, records=False), indent=2)
    tails: dict[tuple[object, ...], str] = {}
    for kind, changes in (("added", result.added), ("removed", result.removed)):
        before, hole, rest = rest.partition(f'"{kind}": {json.dumps(_HOLE)}')
        assert hole, kind
        yield before + f'"{kind}": '
        yield from _records_text(changes, tails, result.is_grouped)
    yield rest + "\n"


def render_diff_json(result: DiffResult) -> str:
    """``json.dumps(diff_document(result), indent=2)``, with the change lists written fast."""
    return "".join(diff_json_pieces(result))
