"""JSON types and known fields of the kinds netfence reads, for the strict-decoding checks.

This mirrors what kube-apiserver's strict JSON decoder knows: every field of ObjectMeta,
LabelSelector and NetworkPolicy; the Namespace, Service, workload and pod-template specs;
the top level of PodSpec and Container, and ContainerPort. Rarely used deeper subtrees
(volumes, probes, resources, affinity, security contexts, status of workloads, ...) are
accepted as opaque objects: their type is checked, their fields are not.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum


class Scalar(Enum):
    """A leaf type, named as the error message words it."""

    STRING = "string"
    INT32 = "integer"
    INT64 = "64-bit integer"
    BOOL = "boolean"
    INT_OR_STRING = "integer or string"
    OBJECT = "object"
    ANY = "any value"


@dataclass(frozen=True)
class Struct:
    """An object with a fixed set of known fields."""

    name: str
    fields: Mapping[str, SchemaNode]


@dataclass(frozen=True)
class ListOf:
    item: SchemaNode


@dataclass(frozen=True)
class MapOf:
    value: SchemaNode


SchemaNode = Scalar | Struct | ListOf | MapOf

S, I32, I64, B = Scalar.STRING, Scalar.INT32, Scalar.INT64, Scalar.BOOL
IOS, OBJ, ANY = Scalar.INT_OR_STRING, Scalar.OBJECT, Scalar.ANY
STRINGS = ListOf(S)
STRING_MAP = MapOf(S)
OBJECTS = ListOf(OBJ)

OWNER_REFERENCE = Struct(
    "OwnerReference",
    {
        "apiVersion": S,
        "kind": S,
        "name": S,
        "uid": S,
        "controller": B,
        "blockOwnerDeletion": B,
    },
)

OBJECT_META = Struct(
    "ObjectMeta",
    {
        "name": S,
        "generateName": S,
        "namespace": S,
        "selfLink": S,
        "uid": S,
        "resourceVersion": S,
        "generation": I64,
        "creationTimestamp": S,
        "deletionTimestamp": S,
        "deletionGracePeriodSeconds": I64,
        "labels": STRING_MAP,
        "annotations": STRING_MAP,
        "ownerReferences": ListOf(OWNER_REFERENCE),
        "finalizers": STRINGS,
        "managedFields": OBJECTS,
    },
)

LABEL_SELECTOR = Struct(
    "LabelSelector",
    {
        "matchLabels": STRING_MAP,
        "matchExpressions": ListOf(
            Struct("LabelSelectorRequirement", {"key": S, "operator": S, "values": STRINGS})
        ),
    },
)

NETWORK_POLICY_PORT = Struct("NetworkPolicyPort", {"protocol": S, "port": IOS, "endPort": I32})
NETWORK_POLICY_PEER = Struct(
    "NetworkPolicyPeer",
    {
        "podSelector": LABEL_SELECTOR,
        "namespaceSelector": LABEL_SELECTOR,
        "ipBlock": Struct("IPBlock", {"cidr": S, "except": STRINGS}),
    },
)
NETWORK_POLICY_SPEC = Struct(
    "NetworkPolicySpec",
    {
        "podSelector": LABEL_SELECTOR,
        "ingress": ListOf(
            Struct(
                "NetworkPolicyIngressRule",
                {"ports": ListOf(NETWORK_POLICY_PORT), "from": ListOf(NETWORK_POLICY_PEER)},
            )
        ),
        "egress": ListOf(
            Struct(
                "NetworkPolicyEgressRule",
                {"ports": ListOf(NETWORK_POLICY_PORT), "to": ListOf(NETWORK_POLICY_PEER)},
            )
        ),
        "policyTypes": STRINGS,
    },
)

CONTAINER_PORT = Struct(
    "ContainerPort",
    {"name": S, "hostPort": I32, "containerPort": I32, "protocol": S, "hostIP": S},
)
CONTAINER = Struct(
    "Container",
    {
        "name": S,
        "image": S,
        "command": STRINGS,
        "args": STRINGS,
        "workingDir": S,
        "ports": ListOf(CONTAINER_PORT),
        "envFrom": OBJECTS,
        "env": OBJECTS,
        "resources": OBJ,
        "resizePolicy": OBJECTS,
        "restartPolicy": S,
        "volumeMounts": OBJECTS,
        "volumeDevices": OBJECTS,
        "livenessProbe": OBJ,
        "readinessProbe": OBJ,
        "startupProbe": OBJ,
        "lifecycle": OBJ,
        "terminationMessagePath": S,
        "terminationMessagePolicy": S,
        "imagePullPolicy": S,
        "securityContext": OBJ,
        "stdin": B,
        "stdinOnce": B,
        "tty": B,
    },
)
POD_SPEC = Struct(
    "PodSpec",
    {
        "volumes": OBJECTS,
        "initContainers": ListOf(CONTAINER),
        "containers": ListOf(CONTAINER),
        "ephemeralContainers": OBJECTS,
        "restartPolicy": S,
        "terminationGracePeriodSeconds": I64,
        "activeDeadlineSeconds": I64,
        "dnsPolicy": S,
        "nodeSelector": STRING_MAP,
        "serviceAccountName": S,
        "serviceAccount": S,
        "automountServiceAccountToken": B,
        "nodeName": S,
        "hostNetwork": B,
        "hostPID": B,
        "hostIPC": B,
        "shareProcessNamespace": B,
        "securityContext": OBJ,
        "imagePullSecrets": OBJECTS,
        "hostname": S,
        "subdomain": S,
        "affinity": OBJ,
        "schedulerName": S,
        "tolerations": OBJECTS,
        "hostAliases": OBJECTS,
        "priorityClassName": S,
        "priority": I32,
        "dnsConfig": OBJ,
        "readinessGates": OBJECTS,
        "runtimeClassName": S,
        "enableServiceLinks": B,
        "preemptionPolicy": S,
        "overhead": OBJ,
        "topologySpreadConstraints": OBJECTS,
        "setHostnameAsFQDN": B,
        "os": OBJ,
        "hostUsers": B,
        "schedulingGates": OBJECTS,
        "resourceClaims": OBJECTS,
        "resources": OBJ,
    },
)
POD_STATUS = Struct(
    "PodStatus",
    {
        "observedGeneration": I64,
        "phase": S,
        "conditions": OBJECTS,
        "message": S,
        "reason": S,
        "nominatedNodeName": S,
        "hostIP": S,
        "hostIPs": OBJECTS,
        "podIP": S,
        "podIPs": ListOf(Struct("PodIP", {"ip": S})),
        "startTime": S,
        "initContainerStatuses": OBJECTS,
        "containerStatuses": OBJECTS,
        "qosClass": S,
        "ephemeralContainerStatuses": OBJECTS,
        "resize": S,
        "resourceClaimStatuses": OBJECTS,
    },
)
POD_TEMPLATE = Struct("PodTemplateSpec", {"metadata": OBJECT_META, "spec": POD_SPEC})

_REPLICATED: dict[str, SchemaNode] = {
    "replicas": I32,
    "selector": LABEL_SELECTOR,
    "template": POD_TEMPLATE,
    "minReadySeconds": I32,
    "revisionHistoryLimit": I32,
}
DEPLOYMENT_SPEC = Struct(
    "DeploymentSpec",
    {
        **_REPLICATED,
        "strategy": Struct(
            "DeploymentStrategy",
            {
                "type": S,
                "rollingUpdate": Struct(
                    "RollingUpdateDeployment", {"maxUnavailable": IOS, "maxSurge": IOS}
                ),
            },
        ),
        "paused": B,
        "progressDeadlineSeconds": I32,
    },
)
STATEFUL_SET_SPEC = Struct(
    "StatefulSetSpec",
    {
        **_REPLICATED,
        "volumeClaimTemplates": OBJECTS,
        "serviceName": S,
        "podManagementPolicy": S,
        "updateStrategy": OBJ,
        "persistentVolumeClaimRetentionPolicy": OBJ,
        "ordinals": OBJ,
    },
)
DAEMON_SET_SPEC = Struct(
    "DaemonSetSpec",
    {
        "selector": LABEL_SELECTOR,
        "template": POD_TEMPLATE,
        "updateStrategy": OBJ,
        "minReadySeconds": I32,
        "revisionHistoryLimit": I32,
    },
)
REPLICA_SET_SPEC = Struct(
    "ReplicaSetSpec",
    {k: v for k, v in _REPLICATED.items() if k != "revisionHistoryLimit"},
)
REPLICATION_CONTROLLER_SPEC = Struct(
    "ReplicationControllerSpec",
    {"replicas": I32, "minReadySeconds": I32, "selector": STRING_MAP, "template": POD_TEMPLATE},
)
JOB_SPEC = Struct(
    "JobSpec",
    {
        "parallelism": I32,
        "completions": I32,
        "activeDeadlineSeconds": I64,
        "podFailurePolicy": OBJ,
        "successPolicy": OBJ,
        "backoffLimit": I32,
        "backoffLimitPerIndex": I32,
        "maxFailedIndexes": I32,
        "selector": LABEL_SELECTOR,
        "manualSelector": B,
        "template": POD_TEMPLATE,
        "ttlSecondsAfterFinished": I32,
        "completionMode": S,
        "suspend": B,
        "podReplacementPolicy": S,
        "managedBy": S,
    },
)
CRON_JOB_SPEC = Struct(
    "CronJobSpec",
    {
        "schedule": S,
        "timeZone": S,
        "startingDeadlineSeconds": I64,
        "concurrencyPolicy": S,
        "suspend": B,
        "jobTemplate": Struct("JobTemplateSpec", {"metadata": OBJECT_META, "spec": JOB_SPEC}),
        "successfulJobsHistoryLimit": I32,
        "failedJobsHistoryLimit": I32,
    },
)
SERVICE_SPEC = Struct(
    "ServiceSpec",
    {
        "ports": ListOf(
            Struct(
                "ServicePort",
                {
                    "name": S,
                    "protocol": S,
                    "appProtocol": S,
                    "port": I32,
                    "targetPort": IOS,
                    "nodePort": I32,
                },
            )
        ),
        "selector": STRING_MAP,
        "clusterIP": S,
        "clusterIPs": STRINGS,
        "type": S,
        "externalIPs": STRINGS,
        "sessionAffinity": S,
        "loadBalancerIP": S,
        "loadBalancerSourceRanges": STRINGS,
        "externalName": S,
        "externalTrafficPolicy": S,
        "healthCheckNodePort": I32,
        "publishNotReadyAddresses": B,
        "sessionAffinityConfig": OBJ,
        "ipFamilies": STRINGS,
        "ipFamilyPolicy": S,
        "allocateLoadBalancerNodePorts": B,
        "loadBalancerClass": S,
        "internalTrafficPolicy": S,
        "trafficDistribution": S,
    },
)
NAMESPACE_SPEC = Struct("NamespaceSpec", {"finalizers": STRINGS})


def _top(kind: str, spec: SchemaNode | None, status: SchemaNode | None = OBJ) -> Struct:
    fields: dict[str, SchemaNode] = {"apiVersion": S, "kind": S, "metadata": OBJECT_META}
    if spec is not None:
        fields["spec"] = spec
    if status is not None:
        fields["status"] = status
    return Struct(kind, fields)


KIND_SCHEMAS: Mapping[str, Struct] = {
    "NetworkPolicy": _top("NetworkPolicy", NETWORK_POLICY_SPEC, status=None),
    "Namespace": _top("Namespace", NAMESPACE_SPEC),
    "Pod": _top("Pod", POD_SPEC, POD_STATUS),
    "Service": _top("Service", SERVICE_SPEC),
    "Deployment": _top("Deployment", DEPLOYMENT_SPEC),
    "StatefulSet": _top("StatefulSet", STATEFUL_SET_SPEC),
    "DaemonSet": _top("DaemonSet", DAEMON_SET_SPEC),
    "ReplicaSet": _top("ReplicaSet", REPLICA_SET_SPEC),
    "ReplicationController": _top("ReplicationController", REPLICATION_CONTROLLER_SPEC),
    "Job": _top("Job", JOB_SPEC),
    "CronJob": _top("CronJob", CRON_JOB_SPEC),
}
