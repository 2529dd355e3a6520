"""The blueprint format (``netfence.dev/v1alpha1`` ``Blueprint``) as pydantic v2 models.

Field-level checks (syntax of names, labels, ports, CIDRs) live here; checks that relate
fields to each other (a flow naming an unknown workload, overlapping CIDRs) are in
:mod:`netfence.blueprint.checks`.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PlainValidator, model_validator

from netfence.model import CLOUD_METADATA_IPS, IPAddress, IPNetwork, Protocol

Role = Literal[
    "gateway",
    "inference",
    "agents",
    "vector-db",
    "model-storage",
    "observability",
    "ingress-controller",
    "custom",
]
METADATA_ADDRESSES: tuple[IPNetwork, ...] = tuple(
    ipaddress.ip_network(ip) for ip in CLOUD_METADATA_IPS
)
_IPV4_MAPPED = ipaddress.IPv6Network("::ffff:0:0/96")
# Policy names are "<workload>-ingress" / "<workload>-egress": keep them within 63 characters.
MAX_NAME = 55

_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_LABEL_NAME = re.compile(r"^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")
_PORT_TEXT = re.compile(
    r"^(\d{1,9})(?:-(\d{1,9}))?(?:/([A-Za-z]+))?$"
)  # 9 digits: out of range, still read


def _dns_label(limit: int) -> Any:
    def check(value: str) -> str:
        if len(value) > limit:
            raise ValueError(f"{value!r} is longer than {limit} characters")
        if not _DNS_LABEL.match(value):
            raise ValueError(
                f"{value!r} is not a valid name (lower-case letters, digits and '-', "
                "starting and ending with a letter or digit)"
            )
        return value

    return check


def _label_key(value: str) -> str:
    prefix, _, name = value.rpartition("/")
    if "/" in value and (not prefix or len(prefix) > 253 or not _DNS_SUBDOMAIN.match(prefix)):
        raise ValueError(f"label key {value!r}: the prefix must be a DNS subdomain (example.com/)")
    if not name or len(name) > 63 or not _LABEL_NAME.match(name):
        raise ValueError(
            f"label key {value!r}: the name must be 1-63 characters of letters, digits, "
            "'-', '_' or '.', starting and ending with a letter or digit"
        )
    return value


def _label_value(value: str) -> str:
    if value and (len(value) > 63 or not _LABEL_NAME.match(value)):
        raise ValueError(
            f"label value {value!r} must be at most 63 characters of letters, digits, "
            "'-', '_' or '.', starting and ending with a letter or digit"
        )
    return value


def parse_cidr(value: Any) -> IPNetwork:
    """A CIDR such as ``10.0.0.0/8`` or ``fc00::/7``; host bits must be zero."""
    if not isinstance(value, str) or "/" not in value:
        raise ValueError(f"{value!r} is not a CIDR (write it as address/prefix, e.g. 10.0.0.0/8)")
    try:
        network = ipaddress.ip_network(value, strict=True)
    except ValueError:
        pass
    else:
        if isinstance(network, ipaddress.IPv6Network) and network.subnet_of(_IPV4_MAPPED):
            raise ValueError(
                f"{value!r} is an IPv4-mapped IPv6 range, which Kubernetes misreads in ipBlocks "
                "(write the IPv4 range instead)"
            )
        return network
    try:
        loose = ipaddress.ip_network(value, strict=False)
    except ValueError:
        raise ValueError(f"{value!r} is not a valid IPv4 or IPv6 CIDR") from None
    raise ValueError(f"{value!r} has host bits set (did you mean {loose}?)")


def parse_address(value: Any) -> IPAddress:
    """A single IPv4 or IPv6 address."""
    try:
        return ipaddress.ip_address(str(value))
    except ValueError:
        raise ValueError(f"{value!r} is not an IP address") from None


@dataclass(frozen=True, order=True)
class PortRange:
    """A protocol and an inclusive port range (``end == start`` for one port)."""

    protocol: Protocol
    start: int
    end: int

    def __str__(self) -> str:
        ports = str(self.start) if self.start == self.end else f"{self.start}-{self.end}"
        return f"{ports}/{self.protocol}"

    def covers(self, other: PortRange) -> bool:
        return (
            self.protocol == other.protocol and self.start <= other.start and other.end <= self.end
        )


def parse_port(value: Any) -> PortRange:
    """``8000`` (TCP), ``"53/UDP"`` or ``"8000-8010/TCP"``."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(f"{value!r} is not a port (write 8000, '53/UDP' or '8000-8010/TCP')")
    match = _PORT_TEXT.match(str(value).strip())
    if not match:
        raise ValueError(f"{value!r} is not a port (write 8000, '53/UDP' or '8000-8010/TCP')")
    start = int(match.group(1))
    end = int(match.group(2) or start)
    protocol = (match.group(3) or "TCP").upper()
    for port in (start, end):
        if not 1 <= port <= 65535:
            raise ValueError(f"port {port} is out of range (1-65535)")
    if end < start:
        raise ValueError(f"port range {start}-{end} ends before it starts")
    if protocol not in ("TCP", "UDP", "SCTP"):
        raise ValueError(f"protocol {protocol!r} is not one of TCP, UDP, SCTP")
    return PortRange(protocol, start, end)  # type: ignore[arg-type]


_FQDN = re.compile(r"^(\*|(\*\*\.)?([-a-z0-9_*]+\.)*[-a-z0-9_*]+)$")


def parse_fqdn(value: str) -> str:
    """A DNS name (``api.openai.com``) or a Cilium pattern (``*.githubusercontent.com``, ``*``),
    lower case, without the trailing dot."""
    name = value.strip().lower().removesuffix(".")
    if len(name) > 255 or not _FQDN.match(name):
        raise ValueError(
            f"{value!r} is not a DNS name or pattern (letters, digits, '-', '_', '*' "
            "in dot-separated labels)"
        )
    return name


NamespaceName = Annotated[str, AfterValidator(_dns_label(63))]
ObjectName = Annotated[str, AfterValidator(_dns_label(MAX_NAME))]
LabelKey = Annotated[str, AfterValidator(_label_key)]
LabelValue = Annotated[str, AfterValidator(_label_value)]
Labels = dict[LabelKey, LabelValue]
CIDR = Annotated[IPNetwork, PlainValidator(parse_cidr)]
Address = Annotated[IPAddress, PlainValidator(parse_address)]
FQDN = Annotated[str, AfterValidator(parse_fqdn)]
Port = Annotated[PortRange, PlainValidator(parse_port)]


class Strict(BaseModel):
    """Frozen, unknown fields refused, fields addressed by their YAML names."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Metadata(Strict):
    name: ObjectName
    description: str = ""


class ClusterCIDRs(Strict):
    """Address ranges of the cluster itself: kept out of every external destination."""

    pod_cidrs: list[CIDR] = Field(default_factory=list, alias="podCIDRs")
    service_cidrs: list[CIDR] = Field(default_factory=list, alias="serviceCIDRs")


class NamespaceSpec(Strict):
    """A namespace of the stack: its role and the labels to put on it. ``isolate: false``
    declares a namespace netfence never writes to (an ingress controller's): no policy, no
    label; its workloads are clients that flows may admit into the isolated namespaces."""

    role: Role
    labels: Labels = Field(default_factory=dict)
    isolate: bool = True


class Workload(Strict):
    """Pods of one namespace picked by labels (``{}`` = every pod), and the ports they serve."""

    namespace: NamespaceName
    selector: Labels = Field(default_factory=dict)
    ports: list[Port] = Field(default_factory=list)
    description: str = ""


class External(Strict):
    """A named outside destination: CIDRs minus exceptions, and/or DNS names and patterns.

    ``plan --dialect cilium`` reaches an external with ``fqdns`` by name (``toFQDNs``); the
    kubernetes dialect uses its ``cidrs`` (NetworkPolicy has no names)."""

    cidrs: list[CIDR] = Field(default_factory=list)
    excepts: list[CIDR] = Field(default_factory=list, alias="except")
    fqdns: list[FQDN] = Field(default_factory=list)
    description: str = ""

    @model_validator(mode="after")
    def _has_destination(self) -> External:
        if not self.cidrs and not self.fqdns:
            raise ValueError("an external needs cidrs, fqdns or both")
        return self


class Flow(Strict):
    """One intended connection: ``from`` a workload (or external) ``to`` another, on ports."""

    name: ObjectName | None = None
    source: ObjectName = Field(alias="from")
    target: ObjectName = Field(alias="to")
    ports: list[Port] = Field(min_length=1)
    description: str = ""

    @property
    def id(self) -> str:
        return self.name or f"{self.source}-to-{self.target}"


class DNS(Strict):
    """Where cluster DNS runs; every isolated namespace may query it on UDP and TCP 53."""

    namespace: NamespaceName = "kube-system"
    selector: Labels = Field(default_factory=lambda: {"k8s-app": "kube-dns"})
    node_local: Address | None = Field(default=None, alias="nodeLocalDNS")


class APIServer(Strict):
    """Egress to the Kubernetes API server for the named workloads."""

    addresses: list[CIDR] = Field(min_length=1)
    ports: list[Port] = Field(default_factory=lambda: [parse_port(443), parse_port(6443)])
    workloads: list[ObjectName] = Field(min_length=1)


class Options(Strict):
    default_deny: bool = Field(default=True, alias="defaultDeny")
    block_metadata: bool = Field(default=True, alias="blockMetadata")
    except_cluster_cidrs: bool = Field(default=True, alias="exceptClusterCIDRs")
    api_server: APIServer | None = Field(default=None, alias="apiServer")


class Guardrails(Strict):
    """Cluster-scoped tier policies to generate with ``--tiers`` (namespace owners cannot undo
    them): a Baseline default deny, DNS always allowed, no internet or metadata service for
    model storage and inference, model storage reachable by its readers only."""

    baseline_default_deny: bool = Field(default=False, alias="baselineDefaultDeny")
    always_allow_dns: bool = Field(default=False, alias="alwaysAllowDNS")
    deny_internet: bool = Field(default=False, alias="denyInternet")
    protect_model_storage: bool = Field(default=False, alias="protectModelStorage")


class Blueprint(Strict):
    """An AI stack's intended connectivity, from which netfence writes and proves policies."""

    api_version: Literal["netfence.dev/v1alpha1"] = Field(alias="apiVersion")
    kind: Literal["Blueprint"]
    metadata: Metadata
    cluster: ClusterCIDRs = Field(default_factory=ClusterCIDRs)
    namespaces: dict[NamespaceName, NamespaceSpec] = Field(min_length=1)
    workloads: dict[ObjectName, Workload] = Field(default_factory=dict)
    externals: dict[ObjectName, External] = Field(default_factory=dict)
    flows: list[Flow] = Field(default_factory=list)
    dns: DNS = Field(default_factory=DNS)
    options: Options = Field(default_factory=Options)
    guardrails: Guardrails | None = None

    @property
    def isolated(self) -> tuple[str, ...]:
        """The namespaces netfence isolates and labels, in declaration order."""
        return tuple(name for name, spec in self.namespaces.items() if spec.isolate)
