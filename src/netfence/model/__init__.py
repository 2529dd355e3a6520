"""Immutable typed objects built once from validated input."""

from netfence.model.build import build_cluster
from netfence.model.cluster import Cluster
from netfence.model.types import (
    CLOUD_METADATA_IPS,
    DIRECTIONS,
    PROTOCOLS,
    ContainerPort,
    Direction,
    Endpoint,
    IPAddress,
    IPBlock,
    IPNetwork,
    LabelSelector,
    Namespace,
    NetworkPolicy,
    Peer,
    PolicyPort,
    Protocol,
    Requirement,
    Rule,
    Service,
    ServicePort,
    UnevaluatedObject,
)
from netfence.vocabulary import NAMESPACE_NAME_LABEL

__all__ = [
    "CLOUD_METADATA_IPS",
    "DIRECTIONS",
    "NAMESPACE_NAME_LABEL",
    "PROTOCOLS",
    "Cluster",
    "ContainerPort",
    "Direction",
    "Endpoint",
    "IPAddress",
    "IPBlock",
    "IPNetwork",
    "LabelSelector",
    "Namespace",
    "NetworkPolicy",
    "Peer",
    "PolicyPort",
    "Protocol",
    "Requirement",
    "Rule",
    "Service",
    "ServicePort",
    "UnevaluatedObject",
    "build_cluster",
]
