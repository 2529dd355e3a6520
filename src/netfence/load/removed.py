"""API versions that Kubernetes v1.33 no longer serves (from the deprecated API migration guide).

kubectl refuses such objects whatever their kind ("no matches for kind ... in version ..."),
so the loader reports them even for kinds netfence otherwise skips.
"""

from __future__ import annotations

_V1_16 = {
    "extensions/v1beta1": (
        "NetworkPolicy",
        "PodSecurityPolicy",
        "DaemonSet",
        "Deployment",
        "ReplicaSet",
    ),
    "apps/v1beta1": ("Deployment", "StatefulSet", "ControllerRevision"),
    "apps/v1beta2": ("DaemonSet", "Deployment", "ReplicaSet", "StatefulSet", "ControllerRevision"),
}
_V1_22 = {
    "extensions/v1beta1": ("Ingress",),
    "networking.k8s.io/v1beta1": ("Ingress", "IngressClass"),
    "admissionregistration.k8s.io/v1beta1": (
        "MutatingWebhookConfiguration",
        "ValidatingWebhookConfiguration",
    ),
    "apiextensions.k8s.io/v1beta1": ("CustomResourceDefinition",),
    "apiregistration.k8s.io/v1beta1": ("APIService",),
    "authentication.k8s.io/v1beta1": ("TokenReview",),
    "authorization.k8s.io/v1beta1": (
        "LocalSubjectAccessReview",
        "SelfSubjectAccessReview",
        "SubjectAccessReview",
    ),
    "certificates.k8s.io/v1beta1": ("CertificateSigningRequest",),
    "coordination.k8s.io/v1beta1": ("Lease",),
    "rbac.authorization.k8s.io/v1beta1": (
        "ClusterRole",
        "ClusterRoleBinding",
        "Role",
        "RoleBinding",
    ),
    "scheduling.k8s.io/v1beta1": ("PriorityClass",),
    "storage.k8s.io/v1beta1": ("CSIDriver", "CSINode", "StorageClass", "VolumeAttachment"),
}
_V1_25 = {
    "batch/v1beta1": ("CronJob",),
    "discovery.k8s.io/v1beta1": ("EndpointSlice",),
    "events.k8s.io/v1beta1": ("Event",),
    "autoscaling/v2beta1": ("HorizontalPodAutoscaler",),
    "policy/v1beta1": ("PodDisruptionBudget", "PodSecurityPolicy"),
    "node.k8s.io/v1beta1": ("RuntimeClass",),
}
_LATER = {
    ("autoscaling/v2beta2", "HorizontalPodAutoscaler"): "v1.26",
    ("flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema"): "v1.26",
    ("flowcontrol.apiserver.k8s.io/v1beta1", "PriorityLevelConfiguration"): "v1.26",
    ("storage.k8s.io/v1beta1", "CSIStorageCapacity"): "v1.27",
    ("flowcontrol.apiserver.k8s.io/v1beta2", "FlowSchema"): "v1.29",
    ("flowcontrol.apiserver.k8s.io/v1beta2", "PriorityLevelConfiguration"): "v1.29",
    ("flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema"): "v1.32",
    ("flowcontrol.apiserver.k8s.io/v1beta3", "PriorityLevelConfiguration"): "v1.32",
    ("batch/v2alpha1", "CronJob"): "v1.21",
}

# (kind, apiVersion) -> the Kubernetes release that stopped serving it.
REMOVED: dict[tuple[str, str], str] = {
    **{
        (kind, version): release
        for release, table in (("v1.16", _V1_16), ("v1.22", _V1_22), ("v1.25", _V1_25))
        for version, kinds in table.items()
        for kind in kinds
    },
    **{(kind, version): release for (version, kind), release in _LATER.items()},
}

# Where the kinds netfence skips are served now (PodSecurityPolicy is gone for good).
SERVED_NOW: dict[str, str] = {
    "Ingress": "networking.k8s.io/v1",
    "IngressClass": "networking.k8s.io/v1",
    "MutatingWebhookConfiguration": "admissionregistration.k8s.io/v1",
    "ValidatingWebhookConfiguration": "admissionregistration.k8s.io/v1",
    "CustomResourceDefinition": "apiextensions.k8s.io/v1",
    "APIService": "apiregistration.k8s.io/v1",
    "CertificateSigningRequest": "certificates.k8s.io/v1",
    "Lease": "coordination.k8s.io/v1",
    "ClusterRole": "rbac.authorization.k8s.io/v1",
    "ClusterRoleBinding": "rbac.authorization.k8s.io/v1",
    "Role": "rbac.authorization.k8s.io/v1",
    "RoleBinding": "rbac.authorization.k8s.io/v1",
    "PriorityClass": "scheduling.k8s.io/v1",
    "StorageClass": "storage.k8s.io/v1",
    "CSIDriver": "storage.k8s.io/v1",
    "CSINode": "storage.k8s.io/v1",
    "VolumeAttachment": "storage.k8s.io/v1",
    "CSIStorageCapacity": "storage.k8s.io/v1",
    "EndpointSlice": "discovery.k8s.io/v1",
    "Event": "events.k8s.io/v1",
    "HorizontalPodAutoscaler": "autoscaling/v2",
    "PodDisruptionBudget": "policy/v1",
    "RuntimeClass": "node.k8s.io/v1",
    "FlowSchema": "flowcontrol.apiserver.k8s.io/v1",
    "PriorityLevelConfiguration": "flowcontrol.apiserver.k8s.io/v1",
    "ControllerRevision": "apps/v1",
}


def removed_message(kind: str, api_version: str, served: str | None = None) -> str | None:
    """Why ``kind`` in ``api_version`` is refused (naming ``served``, or where the kind is
    served now), or None when it is not a removed version."""
    release = REMOVED.get((kind, api_version))
    if release is None:
        return None
    served = served or SERVED_NOW.get(kind)
    fix = f"use apiVersion {served}" if served else "the kind itself was removed"
    return f"{kind} in {api_version} is no longer served (removed in Kubernetes {release}): {fix}"
