"""``netfence validate`` against the real kube-apiserver's dry-run create, object by object.

Each kind is one entry of ``KINDS`` (its REST collection and its generator): adding a kind
the server serves (a CRD such as AdminNetworkPolicy, once netfence validates it) is one line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from netfence.load.document import render_path
from netfence.validate import field_errors
from netfence.validate.decode import unknown_field_message
from tests.controlplane import npgen
from tests.controlplane.plane import ControlPlane, collection_path

THREADS = 8
UNKNOWN_FIELD = re.compile(r'unknown field "([^"]+)"')


@dataclass(frozen=True)
class Kind:
    """A kind to compare: its apiVersion, and a generator ``(seed, count, namespace)``."""

    api_version: str
    generate: Callable[[int, int, str], list[dict[str, Any]]]


KINDS: dict[str, Kind] = {
    "NetworkPolicy": Kind("networking.k8s.io/v1", npgen.network_policies),
}


@dataclass(frozen=True)
class Verdict:
    """Accepted or not, and the field paths named (None: rejected without a field path)."""

    accepted: bool
    fields: frozenset[str] | None
    unknown_only: bool = False
    detail: str = ""


def netfence_verdict(obj: Mapping[str, Any]) -> Verdict:
    """What ``netfence validate`` says of one object (strict: unknown fields are errors)."""
    errors = [e for e in field_errors(json.loads(json.dumps(obj)), "strict") if not e.warning]
    unknown = [e for e in errors if e.message == unknown_field_message(e.path)]
    shown = unknown or errors
    return Verdict(
        not errors,
        frozenset(render_path(e.path) for e in shown),
        unknown_only=bool(unknown),
        detail="; ".join(f"{render_path(e.path)}: {e.message}" for e in shown),
    )


def server_verdict(plane: ControlPlane, kind: str, obj: Mapping[str, Any]) -> Verdict:
    """What the API server says of one object on a dry-run create with strict decoding."""
    namespace = (obj.get("metadata") or {}).get("namespace")
    status, body = plane.request(
        "POST",
        collection_path(KINDS[kind].api_version, kind, namespace),
        obj,
        params={"dryRun": "All", "fieldValidation": "Strict"},
        expect=None,
    )
    message = str(body.get("message", ""))
    if status in (200, 201):
        return Verdict(True, frozenset())
    if status == 422:
        causes = (body.get("details") or {}).get("causes") or []
        return Verdict(False, frozenset(str(c.get("field", "")) for c in causes), detail=message)
    if status == 400:
        unknown = UNKNOWN_FIELD.findall(message)
        fields = frozenset(unknown) if unknown else None
        return Verdict(False, fields, unknown_only=bool(unknown), detail=message)
    raise AssertionError(f"dry-run create answered {status}: {message}")


@dataclass(frozen=True)
class Disagreement:
    obj: Mapping[str, Any]
    ours: Verdict
    server: Verdict

    def describe(self) -> str:
        def side(v: Verdict) -> str:
            fields = "?" if v.fields is None else ", ".join(sorted(v.fields)) or "-"
            return f"{'accepts' if v.accepted else 'rejects'} [{fields}] {v.detail[:300]}"

        return (
            f"{json.dumps(self.obj, sort_keys=True)}\n  netfence: {side(self.ours)}\n"
            f"  server:   {side(self.server)}"
        )


def agree(ours: Verdict, server: Verdict) -> bool:
    """Same acceptance, and the same field paths wherever the server names them."""
    if ours.accepted != server.accepted:
        return False
    if server.fields is None:
        return True
    if server.unknown_only != ours.unknown_only:
        return False
    return ours.fields == server.fields


def compare(
    plane: ControlPlane, kind: str, objects: Iterable[Mapping[str, Any]]
) -> list[tuple[Mapping[str, Any], Verdict, Verdict]]:
    """Every object with netfence's verdict and the server's (server calls in a thread pool)."""
    objects = list(objects)
    with ThreadPoolExecutor(THREADS) as pool:
        servers = list(pool.map(lambda o: server_verdict(plane, kind, o), objects))
    return [(o, netfence_verdict(o), s) for o, s in zip(objects, servers, strict=True)]


def disagreements(
    results: Iterable[tuple[Mapping[str, Any], Verdict, Verdict]],
) -> list[Disagreement]:
    return [Disagreement(o, ours, server) for o, ours, server in results if not agree(ours, server)]
