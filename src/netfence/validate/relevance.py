"""Which validation problems can change connectivity, by kind and field path.

Analysis commands refuse only problems in fields that decide what the engine computes
(selectors, labels of pods and namespaces, ports and their names, CIDRs, policyTypes, the
namespaces and names that identify objects); problems elsewhere (a container without
``image``, a Service port without ``name``, an ``ownerReference`` without ``uid``, ``_`` in a
policy name, a withdrawn ``status`` field) are warnings there. ``validate`` refuses all.

A pattern names a field subtree; ``*`` stands for any list index or map key. A problem is
relevant when its path lies inside a relevant subtree, or when it is a type error on a field
that contains one (the relevant data cannot be read then).
"""

from __future__ import annotations

from netfence.load.document import Path

Pattern = tuple[str, ...]

TIER_KINDS = ("AdminNetworkPolicy", "BaselineAdminNetworkPolicy", "ClusterNetworkPolicy")
WORKLOAD_KINDS = (
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "ReplicationController",
    "Job",
)


def _pod_spec(prefix: Pattern) -> tuple[Pattern, ...]:
    """The fields of a pod spec that connectivity depends on."""
    return (
        (*prefix, "containers", "*", "ports"),
        (*prefix, "initContainers", "*", "ports"),
        (*prefix, "initContainers", "*", "restartPolicy"),
        (*prefix, "hostNetwork"),
    )


def _template(prefix: Pattern) -> tuple[Pattern, ...]:
    """A workload's selector and its pod template's labels and pod spec."""
    return (
        (*prefix, "selector"),
        (*prefix, "template", "metadata", "labels"),
        (*prefix, "template", "metadata", "namespace"),
        *_pod_spec((*prefix, "template", "spec")),
    )


POLICY_KINDS = (
    "NetworkPolicy",
    *TIER_KINDS,
    "CiliumNetworkPolicy",
    "CiliumClusterwideNetworkPolicy",
)

# Kinds whose removed API versions hold the same pod template as the served one.
READ_ANY_VERSION = (*WORKLOAD_KINDS, "CronJob")

EVERY_KIND: tuple[Pattern, ...] = (
    ("apiVersion",),
    ("kind",),
    ("metadata", "namespace"),
    ("metadata", "labels"),
)

RELEVANT: dict[str, tuple[Pattern, ...]] = {
    "Namespace": (("metadata", "name"),),
    "NetworkPolicy": (("spec",),),
    "Pod": (*_pod_spec(("spec",)), ("status", "podIP"), ("status", "podIPs")),
    **{kind: _template(("spec",)) for kind in WORKLOAD_KINDS},
    "CronJob": _template(("spec", "jobTemplate", "spec")),
    "Service": (
        ("spec", "selector"),
        ("spec", "ports", "*", "port"),
        ("spec", "ports", "*", "targetPort"),
        ("spec", "ports", "*", "protocol"),
        ("spec", "clusterIP"),
        ("spec", "clusterIPs"),
    ),
    **{kind: (("metadata", "name"), ("spec",)) for kind in TIER_KINDS},
    "Node": (
        ("metadata", "name"),
        ("status", "addresses"),
        ("spec", "podCIDR"),
        ("spec", "podCIDRs"),
    ),
    "CiliumNetworkPolicy": (("metadata", "name"), ("spec",), ("specs",)),
    "CiliumClusterwideNetworkPolicy": (("metadata", "name"), ("spec",), ("specs",)),
    "CiliumCIDRGroup": (("metadata", "name"), ("spec",)),
}


def _matches(pattern: Pattern, path: Path) -> bool:
    """Whether ``path`` starts with what ``pattern`` names (component by component)."""
    if len(path) < len(pattern):
        return False
    return all(p == "*" or p == str(part) for p, part in zip(pattern, path, strict=False))


def _contains(path: Path, pattern: Pattern) -> bool:
    """Whether the field at ``path`` contains the subtree ``pattern`` names."""
    return len(path) < len(pattern) and _matches(pattern[: len(path)], path)


# Problems in relevant fields whose reading is still unambiguous: analysis reads the object
# that way (the note says how) and reports a warning; ``validate`` and strict mode refuse.
READINGS: tuple[tuple[str, str], ...] = (
    ("`selector` does not match template `labels`", "its pods carry the template's labels"),
    ("a pods selection needs namespaceSelector and podSelector", "the missing selector read as {}"),
    ("cannot be set with namedPorts", "named ports match nothing for those peers"),
    ("Start port must be less than End port", "read as an empty range: it admits nothing"),
    ("must be greater than or equal to `port`", "read as an empty range: it admits nothing"),
)


def reading_of(kind: str, path: Path, message: str) -> str | None:
    """How analysis reads an object despite a relevant problem at ``path``, or None when the
    problem leaves no unambiguous reading (then it stays an error)."""
    if path == ("apiVersion",) and "no longer served" in message and kind in READ_ANY_VERSION:
        return "its pod template read as today's version"
    in_port = "ports" in (str(part) for part in path[:-1])
    if in_port and kind not in POLICY_KINDS and message.startswith("unknown field"):
        return "dropped, as kube-apiserver drops unknown fields without strict validation"
    if in_port and path[-1] == "containerPort" and message.startswith("Required value"):
        return "a port entry without a number serves nothing"
    return next((reading for text, reading in READINGS if text in message), None)


def is_relevant(kind: str, path: Path, message: str) -> bool:
    """Whether a problem at ``path`` of a ``kind`` object can change connectivity."""
    if path[:2] == ("metadata", "name") and message.startswith("Required value"):
        return True  # an object without a name cannot be identified
    if path == ("metadata",) or not path:
        return True
    patterns = EVERY_KIND + RELEVANT.get(kind, ())
    if any(_matches(pattern, path) for pattern in patterns):
        return True
    type_error = message.startswith("Invalid type")
    return type_error and any(_contains(path, pattern) for pattern in patterns)
