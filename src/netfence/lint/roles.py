"""Roles of namespaces and endpoints (inference, agents, data, ...), from four sources.

Later sources win: namespace labels (``netfence.dev/role=`` as ``plan`` sets them, or
``purpose=`` as the guide does), well-known workloads (``app: weaviate`` is a vector database),
a blueprint, then a ``--roles`` file. Keys are namespaces
(``ai-data``) or endpoints (``ai-agents/weaviate-0``).
"""

from __future__ import annotations

from collections.abc import Mapping

from netfence.lint.yamlfile import problem_at, read_mapping_file
from netfence.model import Cluster, Endpoint
from netfence.vocabulary import ROLE_LABELS

# Labels that carry a namespace's role: netfence's own (set by ``plan``), then the guide's.
ROLE_ALIASES: dict[str, str] = {
    "agent": "agents",
    "model-storage": "data",
    "storage": "data",
    "models": "data",
    "vectordb": "vector-db",
    "vector-database": "vector-db",
}
# Well-known AI workloads by the name their labels give them; more specific than a namespace's
# role (a vector database often runs in the agents' namespace).
KNOWN_WORKLOADS: dict[str, str] = {
    "weaviate": "vector-db",
    "qdrant": "vector-db",
    "milvus": "vector-db",
    "chroma": "vector-db",
    "chromadb": "vector-db",
    "pgvector": "vector-db",
    "vllm": "inference",
    "text-generation-inference": "inference",
    "triton": "inference",
    "ollama": "inference",
    "minio": "data",
}
NAME_LABELS = ("app.kubernetes.io/name", "app")
DATA_ROLES = frozenset({"data"})
SERVING_ROLES = frozenset({"inference", "vector-db", "data"})
# Roles a --roles file may name (after normalise): the blueprint's, as lint reads them.
KNOWN_ROLES = frozenset(
    {"gateway", "inference", "agents", "vector-db", "data", "observability", "custom"}
)


def normalise(role: str) -> str:
    """A role name in its canonical spelling (``model-storage`` -> ``data``)."""
    role = role.strip().lower()
    return ROLE_ALIASES.get(role, role)


def roles_from_labels(cluster: Cluster) -> dict[str, str]:
    """Namespace roles from the ``netfence.dev/role`` or the guide's ``purpose`` label."""
    roles = {}
    for namespace in cluster.namespaces:
        labels = namespace.label_map
        role = next((labels[key] for key in ROLE_LABELS if labels.get(key)), None)
        if role is not None:
            roles[namespace.name] = normalise(role)
    return roles


def roles_from_workloads(cluster: Cluster) -> dict[str, str]:
    """Endpoint roles of well-known AI workloads, by their ``app`` or ``app.kubernetes.io/name``."""
    roles = {}
    for endpoint in cluster.endpoints:
        labels = endpoint.label_map
        names = [labels[key].lower() for key in NAME_LABELS if key in labels]
        role = next((KNOWN_WORKLOADS[n] for n in names if n in KNOWN_WORKLOADS), None)
        if role is not None:
            roles[endpoint.id] = role
    return roles


def roles_from_file(path: str) -> dict[str, str]:
    """A ``--roles`` file: a mapping of namespace or ``namespace/name`` to role."""
    doc = read_mapping_file(path)
    roles: dict[str, str] = {}
    for key, value in doc.data.items():
        if not isinstance(value, str) or not value.strip():
            raise problem_at(doc, str(key), "a role must be a non-empty string")
        if str(key).count("/") > 1:
            raise problem_at(doc, str(key), "expected a namespace or namespace/name")
        if normalise(value) not in KNOWN_ROLES:
            known = ", ".join(sorted(KNOWN_ROLES))
            raise problem_at(doc, str(key), f"unknown role {value!r} (known: {known})")
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
