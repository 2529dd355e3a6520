"""netfence's words on the cluster: its labels, annotations, field manager and fixed numbers.

One place for each name, so that what ``plan`` writes, ``apply`` owns and ``verify`` and
``lint`` read are the same strings. A leaf module: it imports nothing from netfence.
"""

from __future__ import annotations

from typing import Literal

VERSION = "0.1.0"
"""netfence's version (also in pyproject.toml), as SARIF and the HTML report name it."""

MANAGER = "netfence"
"""The value of the managed-by label and the server-side apply field manager."""

FIELD_MANAGER = MANAGER
MANAGED_BY_LABEL = "app.kubernetes.io/managed-by"
MANAGED_BY: dict[str, str] = {MANAGED_BY_LABEL: MANAGER}
"""The label netfence puts on every object it generates (and prunes by)."""

ROLE_LABEL = "netfence.dev/role"
ROLE_LABELS = (ROLE_LABEL, "purpose")
"""Namespace labels that name a namespace's role, the first one preferred."""

BLUEPRINT_ANNOTATION = "netfence.dev/blueprint"
FLOWS_ANNOTATION = "netfence.dev/flows"

NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name"
"""Set by the API server on every namespace (the only label a policy can trust)."""

DNS_PORT = 53

IPBlockReading = Literal["match", "ignore"]
"""Whether ipBlocks match in-cluster pod IPs: implementation-defined, chosen per CNI."""

# Beside a kustomization netfence writes (not one of its resources): the namespace labels its
# policies need, read with the kustomization so that deleting the output removes only policies.
NAMESPACE_LABELS_FILE = "namespace-labels.yaml"
