"""Connections no fix may open: explain offers no policy for them and says why.

These are what lint's exposure rules report (metadata-endpoint-reachable, egress-to-internet of
model storage and inference, ingress-from-everywhere into model storage): a suggested policy that
admits one would open the hole the finding asks to close."""

from __future__ import annotations

from collections.abc import Mapping

from netfence.engine import Engine, ExternalRange, Verdict
from netfence.lint.addresses import is_public
from netfence.lint.roles import (
    DATA_ROLES,
    merge_roles,
    role_of,
    roles_from_labels,
    roles_from_workloads,
)
from netfence.model import CLOUD_METADATA_IPS, Cluster, Endpoint, IPAddress

NO_OUTSIDE_ROLES = frozenset({"inference", "data"})


def known_roles(cluster: Cluster) -> dict[str, str]:
    """Roles as lint reads them from the input alone: namespace labels, well-known workloads."""
    return merge_roles(roles_from_labels(cluster), roles_from_workloads(cluster))


def withheld_reason(
    engine: Engine,
    verdict: Verdict,
    address: IPAddress | None = None,
    roles: Mapping[str, str] | None = None,
) -> str | None:
    """Why no policy admitting ``verdict``'s connection is offered, or None when one may be."""
    src, dst = engine.find(verdict.src), engine.find(verdict.dst)
    roles = known_roles(engine.cluster) if roles is None else roles
    if isinstance(dst, ExternalRange):
        metadata = [ip for ip in CLOUD_METADATA_IPS if ip in dst and address in (None, ip)]
        if metadata:
            return (
                f"{metadata[0]} is the cloud metadata service, which hands out node "
                "credentials: keep it blocked (lint's metadata-endpoint-reachable)"
            )
        role = role_of(src, roles) if isinstance(src, Endpoint) else None
        if is_public(dst) and role in NO_OUTSIDE_ROLES:
            what = "model storage" if role == "data" else "an inference server"
            return (
                f"{verdict.src} is {what} (role {role}): model weights must not leave the "
                "cluster, keep its internet egress blocked (lint's egress-to-internet)"
            )
    storage = isinstance(dst, Endpoint) and role_of(dst, roles) in DATA_ROLES
    if storage and isinstance(src, ExternalRange) and is_public(src):
        return (
            f"{verdict.dst} is model storage: keep it closed to outside addresses "
            "(lint's ingress-from-everywhere)"
        )
    return None
