"""What netfence needs permission to do, checked with SelfSubjectAccessReview."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from kubernetes import client

from netfence.cluster.connect import Connection

Purpose = Literal["read", "apply", "probe"]


@dataclass(frozen=True)
class Permission:
    """One verb on one resource (``resource/subresource``) of an API group."""

    purpose: Purpose
    verb: str
    resource: str
    group: str = ""

    def __str__(self) -> str:
        where = f"{self.resource}.{self.group}" if self.group else self.resource
        return f"{self.verb} {where}"


READ_KINDS = (
    ("", "namespaces"),
    ("", "pods"),
    ("", "services"),
    ("apps", "deployments"),
    ("apps", "statefulsets"),
    ("apps", "daemonsets"),
    ("apps", "replicasets"),
    ("batch", "jobs"),
    ("batch", "cronjobs"),
    ("networking.k8s.io", "networkpolicies"),
)

NEEDED: tuple[Permission, ...] = (
    *(Permission("read", "list", resource, group) for group, resource in READ_KINDS),
    Permission("apply", "patch", "namespaces"),
    Permission("apply", "create", "networkpolicies", "networking.k8s.io"),
    Permission("apply", "patch", "networkpolicies", "networking.k8s.io"),
    Permission("apply", "delete", "networkpolicies", "networking.k8s.io"),
    Permission("probe", "get", "pods"),
    Permission("probe", "patch", "pods/ephemeralcontainers"),
    Permission("probe", "create", "pods/exec"),
)


def allowed(connection: Connection, permission: Permission) -> bool:
    """Ask the API server whether the current user may do ``permission`` cluster-wide."""
    resource, _, subresource = permission.resource.partition("/")
    attributes = {"verb": permission.verb, "group": permission.group, "resource": resource}
    if subresource:
        attributes["subresource"] = subresource
    review = {
        "apiVersion": "authorization.k8s.io/v1",
        "kind": "SelfSubjectAccessReview",
        "spec": {"resourceAttributes": attributes},
    }
    api = client.AuthorizationV1Api(connection.api)
    answer = connection.call(api.create_self_subject_access_review, review)
    return bool((answer.get("status") or {}).get("allowed"))


def missing(connection: Connection) -> list[Permission]:
    """The needed permissions the current user lacks."""
    return [p for p in NEEDED if not allowed(connection, p)]
