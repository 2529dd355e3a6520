"""Roles of namespaces and endpoints (inference, agents, data, ...), from three sources.

Later sources win: namespace labels ``purpose=`` (as the guide sets them), then a blueprint,
then a ``--roles`` file. Keys are namespaces (``ai-data``) or endpoints (``ai-agents/weaviate-0``).
"""

from __future__ import annotations

from collections.abc import Mapping

from netfence.lint.yamlfile import problem_at, read_mapping_file
from netfence.model import Cluster, Endpoint

ROLE_LABEL = "purpose"
ROLE_ALIASES: dict[str, str] = {
    "agent": "agents",
    "model-storage": "data",
    "storage": "data",
    "models": "data",
    "vectordb": "vector-db",
    "vector-database": "vector-db",
}
DATA_ROLES = frozenset({"data"})
SERVING_ROLES = frozenset({"inference", "vector-db", "data"})


def normalise(role: str) -> str:
    """A role name in its canonical spelling (``model-storage`` -> ``data``)."""
    role = role.strip().lower()
    return ROLE_ALIASES.get(role, role)


def roles_from_labels(cluster: Cluster) -> dict[str, str]:
    """Namespace roles from the ``purpose`` label."""
    return {
        ns.name: normalise(ns.label_map[ROLE_LABEL])
        for ns in cluster.namespaces
        if ns.label_map.get(ROLE_LABEL)
    }


def roles_from_file(path: str) -> dict[str, str]:
    """A ``--roles`` file: a mapping of namespace or ``namespace/name`` to role."""
    doc = read_mapping_file(path)
    roles: dict[str, str] = {}
    for key, value in doc.data.items():
        if not isinstance(value, str) or not value.strip():
            raise problem_at(doc, str(key), "a role must be a non-empty string")
        roles[str(key)] = normalise(value)
    return roles


def merge_roles(*layers: Mapping[str, str]) -> dict[str, str]:
    """Roles from several sources; later layers win."""
    merged: dict[str, str] = {}
    for layer in layers:
        merged.update({key: normalise(role) for key, role in layer.items()})
    return merged


def role_of(endpoint: Endpoint, roles: Mapping[str, str]) -> str | None:
    """The endpoint's own role, else its namespace's, else None."""
    return roles.get(endpoint.id) or roles.get(endpoint.namespace)
