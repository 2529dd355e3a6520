"""A stand-in Kubernetes API server for tests (NOT a real kube-apiserver).

It speaks enough of the Kubernetes REST protocol for the unmodified official ``kubernetes``
Python client: discovery, list with ``limit``/``continue`` paging, get, create, delete,
server-side apply (``application/apply-patch+yaml``) with ``dryRun`` and conflict detection
from ``managedFields``, merge patches (the ``ephemeralcontainers`` subresource),
SelfSubjectAccessReview, bearer-token auth, RBAC denials, and injected faults (any status,
slow responses, dropped connections). It listens on 127.0.0.1 only.

Simplifications, on purpose: lists are atomic for field ownership (true for NetworkPolicy),
label selectors support ``key=value`` terms only, no watch, no admission.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import yaml

FieldPath = tuple[str, ...]
ExecHandler = Callable[[str, str, str, list[str]], tuple[int, str]]
"""(namespace, pod, container, argv) -> (exit code, output) for the exec subresource."""

# (group, plural) -> (version, kind, namespaced)
RESOURCES: dict[tuple[str, str], tuple[str, str, bool]] = {
    ("", "namespaces"): ("v1", "Namespace", False),
    ("", "nodes"): ("v1", "Node", False),
    ("", "pods"): ("v1", "Pod", True),
    ("", "services"): ("v1", "Service", True),
    ("", "configmaps"): ("v1", "ConfigMap", True),
    ("apps", "deployments"): ("v1", "Deployment", True),
    ("apps", "statefulsets"): ("v1", "StatefulSet", True),
    ("apps", "daemonsets"): ("v1", "DaemonSet", True),
    ("apps", "replicasets"): ("v1", "ReplicaSet", True),
    ("batch", "jobs"): ("v1", "Job", True),
    ("batch", "cronjobs"): ("v1", "CronJob", True),
    ("networking.k8s.io", "networkpolicies"): ("v1", "NetworkPolicy", True),
    # Served only when a test installs the policy-API CRDs (``tiers_served``).
    ("policy.networking.k8s.io", "adminnetworkpolicies"): ("v1alpha1", "AdminNetworkPolicy", False),
    ("policy.networking.k8s.io", "baselineadminnetworkpolicies"): (
        "v1alpha1",
        "BaselineAdminNetworkPolicy",
        False,
    ),
    ("policy.networking.k8s.io", "clusternetworkpolicies"): (
        "v1alpha2",
        "ClusterNetworkPolicy",
        False,
    ),
}
# Calico's kinds, under the API server's group and the CRDs' group (``calico_served``).
CALICO_GROUPS = {"projectcalico.org": "v3", "crd.projectcalico.org": "v1"}
CALICO_KINDS = {
    "tiers": ("Tier", False),
    "globalnetworkpolicies": ("GlobalNetworkPolicy", False),
    "networkpolicies": ("NetworkPolicy", True),
    "globalnetworksets": ("GlobalNetworkSet", False),
    "networksets": ("NetworkSet", True),
}
for _group, _version in CALICO_GROUPS.items():
    for _plural, (_kind, _namespaced) in CALICO_KINDS.items():
        RESOURCES[(_group, _plural)] = (_version, _kind, _namespaced)
# Cilium's kinds (``cilium_served``), all at cilium.io/v2 here.
CILIUM_GROUP = "cilium.io"
CILIUM_KINDS = {
    "ciliumnetworkpolicies": ("CiliumNetworkPolicy", True),
    "ciliumclusterwidenetworkpolicies": ("CiliumClusterwideNetworkPolicy", False),
    "ciliumcidrgroups": ("CiliumCIDRGroup", False),
}
for _plural, (_kind, _namespaced) in CILIUM_KINDS.items():
    RESOURCES[(CILIUM_GROUP, _plural)] = ("v2", _kind, _namespaced)
TIER_GROUP = "policy.networking.k8s.io"
KIND_TO_RESOURCE = {
    kind: (group, plural)
    for (group, plural), (_, kind, _) in RESOURCES.items()
    if group not in CALICO_GROUPS
}
WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
SERVER_OWNED_METADATA = {"uid", "resourceVersion", "managedFields", "creationTimestamp"}


@dataclass
class Fault:
    """Misbehaviour for matching requests: a status, a delay, a dropped connection, or a
    hostile answer (``raw`` bytes sent as the body with ``content_type``, extra headers such
    as ``Retry-After``)."""

    method: str = ""
    path_contains: str = ""
    status: int | None = None
    delay: float = 0.0
    drop: bool = False
    raw: bytes | None = None
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    times: int = 1_000_000
    skip: int = 0

    def matches(self, method: str, path: str) -> bool:
        """Whether this request misbehaves (the first ``skip`` matching requests do not)."""
        if self.times <= 0 or not (
            (not self.method or self.method == method) and self.path_contains in path
        ):
            return False
        if self.skip > 0:
            self.skip -= 1
            return False
        return True


@dataclass
class Reply:
    status: int
    body: dict[str, Any] | None = None
    drop: bool = False
    raw: bytes | None = None
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    content_type: str


def status_body(code: int, reason: str, message: str, **extra: Any) -> dict[str, Any]:
    body = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure" if code >= 400 else "Success",
        "message": message,
        "reason": reason,
        "code": code,
    }
    body.update(extra)
    return body


def leaf_fields(obj: Any, prefix: FieldPath = ()) -> set[FieldPath]:
    """Field paths an object sets; lists and empty maps are atomic leaves."""
    if isinstance(obj, dict) and obj:
        paths: set[FieldPath] = set()
        for key, value in obj.items():
            path = (*prefix, key)
            if path in {("apiVersion",), ("kind",), ("metadata", "name")}:
                continue
            if path == ("metadata", "namespace") or (
                len(path) == 2 and path[0] == "metadata" and key in SERVER_OWNED_METADATA
            ):
                continue
            paths |= leaf_fields(value, path)
        return paths
    return {prefix} if prefix else set()


def fields_v1(paths: set[FieldPath]) -> dict[str, Any]:
    tree: dict[str, Any] = {}
    for path in sorted(paths):
        node = tree
        for part in path:
            node = node.setdefault(f"f:{part}", {})
    return tree


def paths_of(tree: dict[str, Any], prefix: FieldPath = ()) -> set[FieldPath]:
    paths: set[FieldPath] = set()
    for key, value in tree.items():
        path = (*prefix, key.removeprefix("f:"))
        paths |= paths_of(value, path) if value else {path}
    return paths


def get_path(obj: Any, path: FieldPath) -> Any:
    for part in path:
        if not isinstance(obj, dict) or part not in obj:
            return None
        obj = obj[part]
    return obj


def set_path(obj: dict[str, Any], path: FieldPath, value: Any) -> None:
    for part in path[:-1]:
        obj = obj.setdefault(part, {})
    obj[path[-1]] = copy.deepcopy(value)


def delete_path(obj: dict[str, Any], path: FieldPath) -> None:
    parent = get_path(obj, path[:-1])
    if isinstance(parent, dict):
        parent.pop(path[-1], None)


def default_network_policy(obj: dict[str, Any]) -> None:
    """The apiserver's defaulting: port protocol TCP, policyTypes from the rules present."""
    spec = obj.setdefault("spec", {})
    spec.setdefault("podSelector", {})
    for direction in ("ingress", "egress"):
        for rule in spec.get(direction) or []:
            for port in rule.get("ports") or []:
                port.setdefault("protocol", "TCP")
    if not spec.get("policyTypes"):
        spec["policyTypes"] = ["Ingress"] + (["Egress"] if spec.get("egress") else [])


def matches_selector(labels: dict[str, str], selector: str) -> bool:
    for term in filter(None, selector.split(",")):
        key, _, value = term.partition("=")
        if labels.get(key) != value:
            return False
    return True


class FakeCluster:
    """The state and REST semantics of the stand-in server (no HTTP here)."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.store: dict[tuple[str, str], dict[tuple[str, str], dict[str, Any]]] = {
            key: {} for key in RESOURCES
        }
        self.version = 1000
        self.token: str | None = None
        self.denied: set[tuple[str, str, str]] = set()  # (verb, group, resource[/sub])
        self.faults: list[Fault] = []
        self.requests: list[Request] = []
        self.networking_served = True
        self.tiers_served = False
        self.calico_served: str | None = None  # the Calico group served, if any
        self.cilium_served = False  # whether cilium.io/v2 is served (Cilium's CRDs)
        self.user = "fake-user"
        self.exec_handler: ExecHandler = lambda namespace, pod, container, argv: (
            126,
            "exec is not configured on the stand-in",
        )

    # ---- test helpers -------------------------------------------------------------------
    def add(self, obj: dict[str, Any], manager: str = "kubectl-create") -> dict[str, Any]:
        """Store an object as if ``manager`` had created it (operation Update)."""
        obj = copy.deepcopy(obj)
        group = str(obj.get("apiVersion", "")).rpartition("/")[0]
        if group in CALICO_GROUPS:
            plural = next(p for p, (k, _) in CALICO_KINDS.items() if k == obj["kind"])
        else:
            group, plural = KIND_TO_RESOURCE[obj["kind"]]
        if (group, obj["kind"]) == ("networking.k8s.io", "NetworkPolicy"):
            default_network_policy(obj)
        self._stamp(obj, {manager: ("Update", leaf_fields(obj))})
        meta = obj["metadata"]
        self.store[(group, plural)][(meta.get("namespace", ""), meta["name"])] = obj
        return obj

    def objects(self, kind: str) -> list[dict[str, Any]]:
        with self.lock:
            items = self.store[KIND_TO_RESOURCE[kind]]
            return [copy.deepcopy(items[key]) for key in sorted(items)]

    def get(self, kind: str, namespace: str, name: str) -> dict[str, Any] | None:
        with self.lock:
            found = self.store[KIND_TO_RESOURCE[kind]].get((namespace, name))
            return copy.deepcopy(found)

    def deny(self, verb: str, resource: str, group: str = "") -> None:
        self.denied.add((verb, group, resource))

    def fail(self, fault: Fault) -> None:
        self.faults.append(fault)

    # ---- request handling ---------------------------------------------------------------
    def handle(
        self, method: str, target: str, headers: dict[str, str], body: bytes
    ) -> tuple[Reply, float]:
        """The reply to one request, and how long to wait before sending it."""
        parts = urlsplit(target)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        content_type = headers.get("content-type", "").split(";")[0].strip()
        with self.lock:
            self.requests.append(Request(method, parts.path, query, content_type))
            delay = 0.0
            for fault in self.faults:
                if fault.matches(method, parts.path):
                    fault.times -= 1
                    delay += fault.delay
                    if fault.drop:
                        return Reply(0, drop=True), delay
                    if fault.raw is not None:
                        return Reply(
                            fault.status or 200,
                            raw=fault.raw,
                            content_type=fault.content_type,
                            headers=fault.headers,
                        ), delay
                    if fault.status is not None:
                        return Reply(
                            fault.status,
                            status_body(fault.status, "Injected", "injected fault"),
                            headers=fault.headers,
                        ), delay
            if self.token is not None and headers.get("authorization") != f"Bearer {self.token}":
                return Reply(401, status_body(401, "Unauthorized", "Unauthorized")), delay
            if parts.path.endswith("/exec"):
                return self._exec(parts.path, parse_qs(parts.query)), delay
            return self._route(method, parts.path, query, content_type, body), delay

    def _route(
        self, method: str, path: str, query: dict[str, str], content_type: str, body: bytes
    ) -> Reply:
        segments = [s for s in path.split("/") if s]
        if method == "GET" and segments in (["api"], ["apis"], ["version"]):
            return Reply(200, self._discovery_root(segments[0]))
        if segments[:1] == ["api"] and len(segments) >= 2:
            group, version, rest = "", segments[1], segments[2:]
        elif segments[:1] == ["apis"] and len(segments) >= 3:
            group, version, rest = segments[1], segments[2], segments[3:]
        else:
            return Reply(404, status_body(404, "NotFound", "the server could not find the URL"))
        if not rest and method == "GET":
            return self._resource_list(group, version)
        if (group, rest) == ("authorization.k8s.io", ["selfsubjectaccessreviews"]):
            return self._access_review(json.loads(body or b"{}"))
        return self._resource_request(method, group, rest, query, content_type, body)

    def _discovery_root(self, which: str) -> dict[str, Any]:
        if which == "version":
            return {"major": "1", "minor": "31", "gitVersion": "v1.31.0-standin"}
        if which == "api":
            return {"kind": "APIVersions", "versions": ["v1"]}
        groups = sorted({g for g, _ in RESOURCES if g} | {"authorization.k8s.io"})
        if not self.tiers_served:
            groups.remove(TIER_GROUP)
        groups = [g for g in groups if g not in CALICO_GROUPS or g == self.calico_served]
        if not self.cilium_served:
            groups.remove(CILIUM_GROUP)
        if not self.networking_served:
            groups.remove("networking.k8s.io")
        return {
            "kind": "APIGroupList",
            "apiVersion": "v1",
            "groups": [
                {
                    "name": g,
                    "versions": [{"groupVersion": f"{g}/v1", "version": "v1"}],
                    "preferredVersion": {"groupVersion": f"{g}/v1", "version": "v1"},
                }
                for g in groups
            ],
        }

    def _resource_list(self, group: str, version: str) -> Reply:
        if group == TIER_GROUP and not self.tiers_served:
            return Reply(404, status_body(404, "NotFound", "the server could not find the URL"))
        if group in CALICO_GROUPS and group != self.calico_served:
            return Reply(404, status_body(404, "NotFound", "the server could not find the URL"))
        if group == CILIUM_GROUP and not self.cilium_served:
            return Reply(404, status_body(404, "NotFound", "the server could not find the URL"))
        if group == "networking.k8s.io" and not self.networking_served:
            return Reply(404, status_body(404, "NotFound", "the server could not find the URL"))
        resources = [
            {
                "name": plural,
                "singularName": kind.lower(),
                "namespaced": namespaced,
                "kind": kind,
                "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"],
            }
            for (g, plural), (v, kind, namespaced) in RESOURCES.items()
            if g == group and v == version
        ]
        group_version = f"{group}/{version}" if group else version
        return Reply(
            200, {"kind": "APIResourceList", "groupVersion": group_version, "resources": resources}
        )

    def _access_review(self, review: dict[str, Any]) -> Reply:
        attrs = review.get("spec", {}).get("resourceAttributes", {})
        resource = attrs.get("resource", "")
        if attrs.get("subresource"):
            resource += "/" + attrs["subresource"]
        allowed = (attrs.get("verb", ""), attrs.get("group", ""), resource) not in self.denied
        review["status"] = {"allowed": allowed}
        return Reply(201, review)

    def _resource_request(
        self,
        method: str,
        group: str,
        rest: list[str],
        query: dict[str, str],
        content_type: str,
        body: bytes,
    ) -> Reply:
        namespace = ""
        if rest[0] == "namespaces" and len(rest) >= 3:
            namespace, rest = rest[1], rest[2:]
        plural, name = rest[0], rest[1] if len(rest) > 1 else ""
        sub = rest[2] if len(rest) > 2 else ""
        if (
            (group, plural) not in RESOURCES
            or (group == "networking.k8s.io" and not self.networking_served)
            or (group == TIER_GROUP and not self.tiers_served)
            or (group in CALICO_GROUPS and group != self.calico_served)
            or (group == CILIUM_GROUP and not self.cilium_served)
        ):
            return Reply(404, status_body(404, "NotFound", "the server could not find the URL"))
        verb = {"GET": "get" if name else "list", "POST": "create", "PATCH": "patch"}.get(
            method, method.lower()
        )
        resource = f"{plural}/{sub}" if sub else plural
        if (verb, group, resource) in self.denied:
            scope = f'in the namespace "{namespace}"' if namespace else "at the cluster scope"
            return Reply(
                403,
                status_body(
                    403,
                    "Forbidden",
                    f'{resource} is forbidden: User "{self.user}" cannot {verb} resource '
                    f'"{resource}" in API group "{group}" {scope}',
                ),
            )
        key = (group, plural)
        if method == "GET" and not name:
            return self._list(key, namespace, query)
        if method == "GET":
            found = self.store[key].get((namespace, name))
            return Reply(200, found) if found else self._not_found(plural, name)
        if method == "POST":
            return self._create(key, namespace, json.loads(body), query)
        if method == "DELETE":
            return self._delete(key, namespace, name, query)
        if method == "PATCH" and content_type == "application/apply-patch+yaml":
            return self._apply(key, namespace, name, yaml.safe_load(body), query)
        if method == "PATCH":
            return self._merge_patch(key, namespace, name, json.loads(body), query, sub)
        return Reply(405, status_body(405, "MethodNotAllowed", f"{method} is not supported"))

    def _exec(self, path: str, query: dict[str, list[str]]) -> Reply:
        """Run the exec handler; the HTTP layer streams its answer over a websocket."""
        namespace, name = path.split("/")[4], path.split("/")[6]
        if ("create", "", "pods/exec") in self.denied:
            return Reply(403, status_body(403, "Forbidden", "pods/exec is forbidden"))
        pod = self.store[("", "pods")].get((namespace, name))
        if pod is None:
            return self._not_found("pods", name)
        container = query.get("container", [""])[-1]
        code, output = self.exec_handler(namespace, name, container, query.get("command", []))
        return Reply(101, {"exitCode": code, "output": output})

    @staticmethod
    def _not_found(plural: str, name: str) -> Reply:
        return Reply(404, status_body(404, "NotFound", f'{plural} "{name}" not found'))

    def _list(self, key: tuple[str, str], namespace: str, query: dict[str, str]) -> Reply:
        version, kind, _ = RESOURCES[key]
        items = [
            obj
            for (ns, _), obj in sorted(self.store[key].items())
            if (not namespace or ns == namespace)
            and matches_selector(
                obj["metadata"].get("labels") or {}, query.get("labelSelector", "")
            )
        ]
        offset = 0
        if query.get("continue"):
            try:
                offset = int(json.loads(base64.b64decode(query["continue"]))["offset"])
            except (ValueError, KeyError):
                return Reply(410, status_body(410, "Expired", "continue token is not valid"))
        limit = int(query.get("limit") or 0) or len(items) + 1
        page = items[offset : offset + limit]
        meta: dict[str, Any] = {"resourceVersion": str(self.version)}
        remaining = len(items) - offset - len(page)
        if remaining > 0:
            token = json.dumps({"offset": offset + len(page)}).encode()
            meta["continue"] = base64.b64encode(token).decode()
            meta["remainingItemCount"] = remaining
        group = key[0]
        return Reply(
            200,
            {
                "kind": f"{kind}List",
                "apiVersion": f"{group}/{version}" if group else version,
                "metadata": meta,
                "items": page,
            },
        )

    def _stamp(self, obj: dict[str, Any], managers: dict[str, tuple[str, set[FieldPath]]]) -> None:
        self.version += 1
        meta = obj.setdefault("metadata", {})
        meta.setdefault("uid", str(uuid.uuid4()))
        meta.setdefault("creationTimestamp", "2026-01-01T00:00:00Z")
        meta["resourceVersion"] = str(self.version)
        meta["managedFields"] = [
            {
                "manager": manager,
                "operation": operation,
                "apiVersion": obj.get("apiVersion", "v1"),
                "fieldsType": "FieldsV1",
                "fieldsV1": fields_v1(paths),
            }
            for manager, (operation, paths) in managers.items()
            if paths
        ]

    @staticmethod
    def _managers(obj: dict[str, Any] | None) -> dict[str, tuple[str, set[FieldPath]]]:
        if obj is None:
            return {}
        return {
            entry["manager"]: (entry.get("operation", "Update"), paths_of(entry["fieldsV1"]))
            for entry in obj["metadata"].get("managedFields") or []
        }

    def _store(
        self, key: tuple[str, str], obj: dict[str, Any], query: dict[str, str], status: int
    ) -> Reply:
        meta = obj["metadata"]
        if query.get("dryRun") != "All":
            self.store[key][(meta.get("namespace", ""), meta["name"])] = obj
        return Reply(status, obj)

    def _create(
        self, key: tuple[str, str], namespace: str, obj: dict[str, Any], query: dict[str, str]
    ) -> Reply:
        name = obj["metadata"]["name"]
        if (namespace, name) in self.store[key]:
            return Reply(
                409, status_body(409, "AlreadyExists", f'{key[1]} "{name}" already exists')
            )
        if namespace:
            obj["metadata"]["namespace"] = namespace
        if key == KIND_TO_RESOURCE["NetworkPolicy"]:
            default_network_policy(obj)
        manager = query.get("fieldManager", "unknown")
        self._stamp(obj, {manager: ("Update", leaf_fields(obj))})
        return self._store(key, obj, query, 201)

    def _delete(
        self, key: tuple[str, str], namespace: str, name: str, query: dict[str, str]
    ) -> Reply:
        if (namespace, name) not in self.store[key]:
            return self._not_found(key[1], name)
        if query.get("dryRun") != "All":
            del self.store[key][(namespace, name)]
        return Reply(200, status_body(200, "", "deleted", status="Success"))

    def _apply(
        self,
        key: tuple[str, str],
        namespace: str,
        name: str,
        applied: dict[str, Any],
        query: dict[str, str],
    ) -> Reply:
        manager = query.get("fieldManager")
        if not manager:
            return Reply(400, status_body(400, "BadRequest", "fieldManager is required"))
        current = self.store[key].get((namespace, name))
        managers = self._managers(current)
        wanted = leaf_fields(applied)
        conflicts = [
            (other, path)
            for other, (_, owned) in sorted(managers.items())
            if other != manager
            for path in sorted(owned & wanted)
            if get_path(current, path) != get_path(applied, path)
        ]
        force = query.get("force") == "true"
        if conflicts and not force:
            return self._conflict(conflicts, str(applied.get("apiVersion")))
        result = (
            copy.deepcopy(current)
            if current
            else {
                "apiVersion": applied["apiVersion"],
                "kind": applied["kind"],
                "metadata": {"name": name, **({"namespace": namespace} if namespace else {})},
            }
        )
        _, mine = managers.get(manager, ("Apply", set()))
        others = set().union(*(p for m, (_, p) in managers.items() if m != manager))
        for path in mine - wanted - others:
            delete_path(result, path)
        for path in wanted:
            set_path(result, path, get_path(applied, path))
        if key == KIND_TO_RESOURCE["NetworkPolicy"]:
            default_network_policy(result)
        taken = {path for _, path in conflicts}
        managers = {m: (op, p - taken) for m, (op, p) in managers.items() if m != manager}
        managers[manager] = ("Apply", wanted)
        self._stamp(result, managers)
        return self._store(key, result, query, 200 if current else 201)

    @staticmethod
    def _conflict(conflicts: list[tuple[str, FieldPath]], api_version: str) -> Reply:
        causes = [
            {
                "reason": "FieldManagerConflict",
                "message": f'conflict with "{other}" using {api_version}',
                "field": "." + ".".join(path),
            }
            for other, path in conflicts
        ]
        lines = "\n".join(f"- {c['message']}: {c['field']}" for c in causes)
        noun = "conflict" if len(causes) == 1 else "conflicts"
        message = f"Apply failed with {len(causes)} {noun}: {lines}"
        return Reply(409, status_body(409, "Conflict", message, details={"causes": causes}))

    def _merge_patch(
        self,
        key: tuple[str, str],
        namespace: str,
        name: str,
        patch: dict[str, Any],
        query: dict[str, str],
        sub: str,
    ) -> Reply:
        current = self.store[key].get((namespace, name))
        if current is None:
            return self._not_found(key[1], name)
        result = copy.deepcopy(current)
        if sub == "ephemeralcontainers":
            self._add_ephemeral(result, patch)
        else:
            for path in leaf_fields(patch):
                set_path(result, path, get_path(patch, path))
        managers = self._managers(current)
        manager = query.get("fieldManager", "unknown")
        _, owned = managers.get(manager, ("Update", set()))
        managers[manager] = ("Update", owned | leaf_fields(patch))
        self._stamp(result, managers)
        return self._store(key, result, query, 200)

    @staticmethod
    def _add_ephemeral(pod: dict[str, Any], patch: dict[str, Any]) -> None:
        spec = pod.setdefault("spec", {})
        existing = {c["name"]: c for c in spec.get("ephemeralContainers") or []}
        for container in patch.get("spec", {}).get("ephemeralContainers") or []:
            existing[container["name"]] = container
        spec["ephemeralContainers"] = list(existing.values())
        pod.setdefault("status", {})["ephemeralContainerStatuses"] = [
            {"name": n, "state": {"running": {"startedAt": "2026-01-01T00:00:00Z"}}}
            for n in existing
        ]


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        reply, delay = self.server.cluster.handle(self.command, self.path, headers, body)
        if delay:
            time.sleep(delay)
        if reply.drop:
            self.close_connection = True
            return
        if reply.status == 101 and reply.body is not None:
            self._stream_exec(int(reply.body["exitCode"]), str(reply.body["output"]))
            return
        data = reply.raw if reply.raw is not None else json.dumps(reply.body or {}).encode()
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = _serve

    def _stream_exec(self, code: int, output: str) -> None:
        """Kubernetes' exec over a websocket (v4.channel.k8s.io): stdout, then the status."""
        key = self.headers.get("Sec-WebSocket-Key", "")
        accept = base64.b64encode(hashlib.sha1((key + WEBSOCKET_GUID).encode()).digest())
        self.send_response(101)
        self.send_header("Upgrade", "websocket")
        self.send_header("Connection", "Upgrade")
        self.send_header("Sec-WebSocket-Accept", accept.decode())
        self.send_header("Sec-WebSocket-Protocol", "v4.channel.k8s.io")
        self.end_headers()
        if output:
            self._frame(0x2, b"\x01" + output.encode())
        if code == 0:
            status: dict[str, Any] = {"metadata": {}, "status": "Success"}
        else:
            status = {
                "metadata": {},
                "status": "Failure",
                "reason": "NonZeroExitCode",
                "details": {"causes": [{"reason": "ExitCode", "message": str(code)}]},
            }
        self._frame(0x2, b"\x03" + json.dumps(status).encode())
        self._frame(0x8, (1000).to_bytes(2, "big"))
        self.close_connection = True

    def _frame(self, opcode: int, payload: bytes) -> None:
        size = len(payload)
        if size < 126:
            head = bytes([0x80 | opcode, size])
        elif size < 65536:
            head = bytes([0x80 | opcode, 126]) + size.to_bytes(2, "big")
        else:
            head = bytes([0x80 | opcode, 127]) + size.to_bytes(8, "big")
        self.wfile.write(head + payload)
        self.wfile.flush()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read ``FakeCluster.requests`` instead."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, cluster: FakeCluster) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.cluster = cluster


@dataclass
class FakeApiServer:
    """The stand-in server on a random 127.0.0.1 port, running in a thread."""

    cluster: FakeCluster = field(default_factory=FakeCluster)
    _server: _Server | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> FakeApiServer:
        self._server = _Server(self.cluster)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def write_kubeconfig(
        self, path: Path, token: str = "stand-in-token", context: str = "stand-in"
    ) -> Path:
        """A kubeconfig file whose current context points at this server."""
        config = {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [{"name": context, "cluster": {"server": self.url}}],
            "users": [{"name": context, "user": {"token": token}}],
            "contexts": [{"name": context, "context": {"cluster": context, "user": context}}],
            "current-context": context,
        }
        path.write_text(yaml.safe_dump(config))
        return path


def running() -> Iterator[FakeApiServer]:
    """Start a stand-in server, yield it, stop it (for pytest fixtures)."""
    server = FakeApiServer().start()
    try:
        yield server
    finally:
        server.stop()
