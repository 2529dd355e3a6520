"""``snapshot``: the live cluster as one manifest file that every offline command reads."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import yaml

from netfence.cluster import PAGE_SIZE
from netfence.cluster.calico import calico_manifests
from netfence.cluster.cilium import (
    POLICY_VERSION,
    RESOURCES,
    cilium_manifests,
    clean_config,
    read_config,
    served_kinds,
)
from netfence.cluster.connect import Connection, ConnectOptions, connect
from netfence.cluster.errors import ApiStatusError, ClusterError
from netfence.cluster.listing import Progress, list_all
from netfence.cluster.tiers import clean_node, tier_manifests
from netfence.load import Document, Limits, load_text
from netfence.load.cilium_kinds import CILIUM_GROUP
from netfence.sanitize import clean

WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob")
NAMESPACED_KINDS = ("Pod", *WORKLOAD_KINDS, "Service", "NetworkPolicy")
FINISHED_PHASES = ("Succeeded", "Failed")
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


@dataclass(frozen=True)
class SnapshotOptions:
    """Which namespaces (all when empty) and how many objects per page."""

    namespaces: tuple[str, ...] = ()
    page_size: int = PAGE_SIZE


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _copy(value: Any) -> Any:
    """A copy of a mapping; any other value unchanged (the loader reports a wrong type)."""
    return dict(value) if isinstance(value, dict) else value


def _uid(obj: Any) -> str | None:
    uid = _dict(_dict(obj).get("metadata")).get("uid")
    return uid if isinstance(uid, str) else None


def take(
    connection: Connection,
    options: SnapshotOptions,
    progress: Progress | None = None,
    warn: Callable[[str], None] | None = None,
    note: Callable[[str], None] | None = None,
) -> list[dict[str, Any]]:
    """Namespaces, running pods, pod-less workloads, services and policies, cleaned; what
    cannot be read but can be left out (tier kinds the user may not list) goes to ``warn``
    (default: a warning line on stderr), which policy APIs were read to ``note``."""
    scopes: Sequence[str | None] = options.namespaces or (None,)
    raw: dict[str, list[dict[str, Any]]] = {}
    for kind in NAMESPACED_KINDS:
        raw[kind] = [
            obj
            for scope in scopes
            for obj in list_all(
                connection, kind, scope, page_size=options.page_size, progress=progress
            )
        ]
    namespaces = list_all(connection, "Namespace", page_size=options.page_size)
    if options.namespaces:
        wanted = set(options.namespaces)
        namespaces = [n for n in namespaces if _dict(n.get("metadata")).get("name") in wanted]
    pods = [p for p in raw["Pod"] if _dict(p.get("status")).get("phase") not in FINISHED_PHASES]
    workloads = [w for kind in WORKLOAD_KINDS for w in raw[kind]]
    tiers = tier_manifests(connection, options.page_size, warn or _warn_on_stderr)
    calico = calico_manifests(
        connection, options.page_size, warn or _warn_on_stderr, options.namespaces or ()
    )
    served = served_kinds(connection)
    cilium = cilium_manifests(
        connection, options.page_size, warn or _warn_on_stderr, options.namespaces, served
    )
    config = read_config(connection)
    if note is not None:
        note(cilium_note(served))
    nodes = _nodes(connection, options, warn or _warn_on_stderr) if tiers or served else []
    return [
        *(clean_namespace(n) for n in namespaces),
        *(clean_pod(p) for p in pods),
        *(clean_workload(w) for w in workloads_without_pods(workloads, pods)),
        *(clean_service(s) for s in raw["Service"]),
        *(clean_policy(p) for p in raw["NetworkPolicy"]),
        *(clean_node(n) for n in nodes),
        *tiers,
        *calico,
        *cilium,
        *([clean_config(config)] if config is not None else []),
    ]


def _nodes(
    connection: Connection, options: SnapshotOptions, warn: Callable[[str], None]
) -> list[dict[str, Any]]:
    """The Nodes (tier ``nodes`` peers and Cilium's host entities read them); left out, with
    a warning, when the user may not list them."""
    try:
        return list_all(connection, "Node", page_size=options.page_size)
    except ApiStatusError as exc:
        if exc.status != 403:
            raise
        warn(
            "cannot list Node objects (forbidden for this user): the snapshot leaves them "
            "out, so nodes peers and Cilium's host and remote-node entities match no node"
        )
        return []


def cilium_note(served: dict[str, str]) -> str:
    """Which Cilium kinds the snapshot lists, or that the cluster does not serve them."""
    if not served:
        return (
            f"{CILIUM_GROUP}/{POLICY_VERSION} is not served (no Cilium CRDs): the snapshot "
            "holds no Cilium policies"
        )
    listed = ", ".join(f"{kind} ({CILIUM_GROUP}/{v})" for kind, v in served.items())
    missing = [kind for kind in RESOURCES if kind not in served]
    unserved = f"; not served: {', '.join(missing)}" if missing else ""
    return f"Cilium kinds listed: {listed}{unserved}"


def _warn_on_stderr(message: str) -> None:
    print(f"netfence: warning: {clean(message)}", file=sys.stderr)


def workloads_without_pods(
    workloads: Iterable[Mapping[str, Any]], pods: Iterable[Mapping[str, Any]]
) -> list[Mapping[str, Any]]:
    """Workloads that stand for pods not in the snapshot (no double counting).

    A workload is left out when a listed pod descends from it through ownerReferences, or
    when another workload owns it (a Deployment's ReplicaSets, a CronJob's Jobs).
    """
    workloads = list(workloads)
    owners_of = {_uid(w): _owner_uids(w) for w in workloads}
    known = set(owners_of)
    covered: set[Any] = set()
    pending = [uid for pod in pods for uid in _owner_uids(pod)]
    while pending:
        uid = pending.pop()
        if uid not in covered:
            covered.add(uid)
            pending.extend(owners_of.get(uid, ()))
    return [
        w
        for w in workloads
        if _uid(w) not in covered and not any(owner in known for owner in _owner_uids(w))
    ]


def _owner_uids(obj: Mapping[str, Any]) -> list[str]:
    refs = _dict(obj.get("metadata")).get("ownerReferences") or []
    return (
        [uid for ref in refs if (uid := _uid({"metadata": ref}))] if isinstance(refs, list) else []
    )


def _metadata(obj: Mapping[str, Any], *, annotations: bool = False) -> dict[str, Any]:
    meta = _dict(obj.get("metadata"))
    kept: dict[str, Any] = {"name": meta.get("name")}
    if meta.get("namespace"):
        kept["namespace"] = meta["namespace"]
    if meta.get("labels"):
        kept["labels"] = _copy(meta["labels"])
    notes = {k: v for k, v in _dict(meta.get("annotations")).items() if k != LAST_APPLIED}
    if annotations and notes:
        kept["annotations"] = notes
    return kept


def _container(container: Any) -> Any:
    if not isinstance(container, dict):
        return container
    kept = {k: container[k] for k in ("name", "image", "restartPolicy") if k in container}
    ports = container.get("ports") or []
    if isinstance(ports, list) and ports:
        kept["ports"] = [
            {k: p[k] for k in ("name", "containerPort", "protocol") if k in p}
            if isinstance(p, dict)
            else p
            for p in ports
        ]
    elif ports:
        kept["ports"] = ports
    return kept


def _pod_spec(spec: Mapping[str, Any]) -> dict[str, Any]:
    containers = spec.get("containers") or []
    kept: dict[str, Any] = {
        "containers": [_container(c) for c in containers]
        if isinstance(containers, list)
        else containers
    }
    init = spec.get("initContainers") or []
    sidecars = [
        _container(c)
        for c in (init if isinstance(init, list) else [])
        if isinstance(c, dict) and c.get("restartPolicy") == "Always"
    ]
    if sidecars:
        kept["initContainers"] = sidecars
    for key in ("hostNetwork", "restartPolicy", "nodeName"):
        if spec.get(key):
            kept[key] = spec[key]
    return kept


def clean_namespace(obj: Mapping[str, Any]) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": _metadata(obj)}


def clean_pod(obj: Mapping[str, Any]) -> dict[str, Any]:
    """A pod's labels, container ports, host networking and IPs."""
    status = _dict(obj.get("status"))
    kept_status = {k: status[k] for k in ("phase", "podIP", "podIPs") if status.get(k)}
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": _metadata(obj),
        "spec": _pod_spec(_dict(obj.get("spec"))),
        "status": kept_status,
    }


def _template(template: Mapping[str, Any]) -> dict[str, Any]:
    labels = _dict(template.get("metadata")).get("labels")
    return {
        "metadata": {"labels": _copy(labels)} if labels else {},
        "spec": _pod_spec(_dict(template.get("spec"))),
    }


def clean_workload(obj: Mapping[str, Any]) -> dict[str, Any]:
    """A workload's selector and pod template (what the model needs of it)."""
    kind = str(obj.get("kind"))
    spec = _dict(obj.get("spec"))
    kept: dict[str, Any] = {}
    if kind == "CronJob":
        job = _dict(_dict(spec.get("jobTemplate")).get("spec"))
        kept = {
            "schedule": spec.get("schedule"),
            "jobTemplate": {"spec": {"template": _template(_dict(job.get("template")))}},
        }
    else:
        if kind != "Job" and spec.get("selector"):
            kept["selector"] = spec["selector"]
        if kind == "StatefulSet" and spec.get("serviceName"):
            kept["serviceName"] = spec["serviceName"]
        kept["template"] = _template(_dict(spec.get("template")))
    return {
        "apiVersion": obj.get("apiVersion"),
        "kind": kind,
        "metadata": _metadata(obj),
        "spec": kept,
    }


def clean_service(obj: Mapping[str, Any]) -> dict[str, Any]:
    spec = _dict(obj.get("spec"))
    keys = ("type", "selector", "ports", "clusterIP", "clusterIPs")
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": _metadata(obj),
        "spec": {k: spec[k] for k in keys if spec.get(k)},
    }


def clean_policy(obj: Mapping[str, Any]) -> dict[str, Any]:
    """A NetworkPolicy exactly as served (labels and annotations kept)."""
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": _metadata(obj, annotations=True),
        "spec": _dict(obj.get("spec")),
    }


def to_yaml(
    manifests: Sequence[Mapping[str, Any]], connection: Connection, notes: Sequence[str] = ()
) -> str:
    """One multi-document YAML file with a header naming the cluster and the time, and
    ``notes`` (what was read) as further comment lines."""
    when = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    header = f"# netfence snapshot of {clean(connection.describe())} at {when}\n"
    header += "".join(f"# {clean(line)}\n" for line in notes)
    body = yaml.dump_all(
        manifests, Dumper=yaml.CSafeDumper, sort_keys=False, default_flow_style=False
    )
    return header + body


def read_cluster(
    options: ConnectOptions,
    namespaces: Sequence[str] = (),
    *,
    progress: Progress | None = None,
    limits: Limits | None = None,
) -> list[Document]:
    """The live cluster as loaded Documents, the way ``--cluster`` reads it.

    Raises ClusterError when the cluster cannot be read.
    """
    connection = connect(options)
    manifests = take(connection, SnapshotOptions(tuple(namespaces)), progress)
    name = f"cluster:{connection.context or connection.server}"
    loaded = load_text(to_yaml(manifests, connection), name, "default", limits or Limits())
    if loaded.problems:
        raise ClusterError(
            f"cannot read the snapshot of {connection.server}: {loaded.problems[0].render()}"
        )
    return loaded.documents
