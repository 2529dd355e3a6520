"""Building the model once from validated documents (no I/O, no validation here)."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from typing import Any, cast

from netfence.load.calico_kinds import is_calico
from netfence.load.cilium_kinds import CILIUM_KINDS
from netfence.load.document import Document
from netfence.load.kinds import is_network_policy
from netfence.model.calico_build import calico_policies
from netfence.model.cilium_build import cilium_translation, cluster_name
from netfence.model.cluster import Cluster
from netfence.model.goip import canonical_cidr, canonical_ip
from netfence.model.selectors import selector
from netfence.model.tiers import ClusterNode, TierPolicy
from netfence.model.tiers_build import TIER_KINDS, cluster_node, tier_policy
from netfence.model.types import (
    ContainerPort,
    Direction,
    Endpoint,
    EndpointKind,
    IPAddress,
    IPBlock,
    Namespace,
    NetworkPolicy,
    Peer,
    PolicyPort,
    Protocol,
    Rule,
    Service,
    ServicePort,
    UnevaluatedObject,
    freeze_labels,
)
from netfence.vocabulary import NAMESPACE_NAME_LABEL


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _int(value: Any) -> int:
    return int(value)


def ip_block(data: Mapping[str, Any]) -> IPBlock:
    """An IPBlock; CIDRs with host bits set are normalised as the data plane treats them."""
    cidr_text = str(data["cidr"])
    return IPBlock(
        cidr=ipaddress.ip_network(canonical_cidr(cidr_text), strict=False),
        excepts=tuple(
            ipaddress.ip_network(canonical_cidr(str(e)), strict=False)
            for e in _list(data.get("except"))
        ),
        cidr_text=cidr_text,
    )


def peer(data: Mapping[str, Any]) -> Peer:
    return Peer(
        pod_selector=selector(data["podSelector"]) if data.get("podSelector") is not None else None,
        namespace_selector=selector(data["namespaceSelector"])
        if data.get("namespaceSelector") is not None
        else None,
        ip_block=ip_block(data["ipBlock"]) if data.get("ipBlock") is not None else None,
    )


def policy_port(data: Mapping[str, Any]) -> PolicyPort:
    port = data.get("port")
    if isinstance(port, float):
        port = int(port)
    end_port = data.get("endPort")
    return PolicyPort(
        protocol=cast(Protocol, data.get("protocol") or "TCP"),
        port=port,
        end_port=None if end_port is None else _int(end_port),
    )


def network_policy(doc: Document) -> NetworkPolicy:
    """A NetworkPolicy with apiserver defaulting applied to policyTypes and protocols."""
    meta = doc.metadata()
    spec = _dict(doc.data.get("spec"))
    rules: dict[Direction, tuple[Rule, ...]] = {}
    directions: tuple[tuple[Direction, str], ...] = (("ingress", "from"), ("egress", "to"))
    for direction, peers_key in directions:
        rules[direction] = tuple(
            Rule(
                peers=tuple(peer(_dict(p)) for p in _list(_dict(r).get(peers_key))),
                ports=tuple(policy_port(_dict(p)) for p in _list(_dict(r).get("ports"))),
                source=doc.source_of(("spec", direction, index)),
            )
            for index, r in enumerate(_list(spec.get(direction)))
        )
    declared = [str(t) for t in _list(spec.get("policyTypes"))]
    types: set[Direction] = set()
    if declared:
        types = {cast(Direction, t.lower()) for t in declared}
    else:
        types = {"ingress"}
        if rules["egress"]:
            types.add("egress")
    return NetworkPolicy(
        namespace=doc.namespace,
        name=doc.name,
        pod_selector=selector(spec.get("podSelector")),
        policy_types=frozenset(types),
        ingress=rules["ingress"],
        egress=rules["egress"],
        labels=freeze_labels(_dict(meta.get("labels"))),
        annotations=freeze_labels(_dict(meta.get("annotations"))),
        source=doc.source,
    )


def _container_ports(pod_spec: Mapping[str, Any]) -> tuple[ContainerPort, ...]:
    containers = list(_list(pod_spec.get("containers")))
    containers += [
        c
        for c in _list(pod_spec.get("initContainers"))
        if _dict(c).get("restartPolicy") == "Always"
    ]
    ports: list[ContainerPort] = []
    for container in containers:
        for port in _list(_dict(container).get("ports")):
            port = _dict(port)
            if port.get("containerPort") is None:
                continue  # analysis reads an entry without a number as serving nothing
            ports.append(
                ContainerPort(
                    port=_int(port["containerPort"]),
                    protocol=cast(Protocol, port.get("protocol") or "TCP"),
                    name=port.get("name") or None,
                )
            )
    return tuple(ports)


def _pod_ips(status: Mapping[str, Any]) -> tuple[IPAddress, ...]:
    texts = [_dict(p).get("ip") for p in _list(status.get("podIPs"))]
    if status.get("podIP"):
        texts.insert(0, status["podIP"])
    ips: list[IPAddress] = []
    for text in texts:
        if isinstance(text, str) and text:
            ip = ipaddress.ip_address(text)
            if ip not in ips:
                ips.append(ip)
    return tuple(ips)


def pod_template(doc: Document) -> Mapping[str, Any]:
    """The pod template of a workload manifest."""
    spec = _dict(doc.data.get("spec"))
    if doc.kind == "CronJob":
        spec = _dict(_dict(spec.get("jobTemplate")).get("spec"))
    return _dict(spec.get("template"))


def endpoint(doc: Document) -> Endpoint:
    """A Pod, or a workload's pod template, as an Endpoint."""
    if doc.kind == "Pod":
        spec = _dict(doc.data.get("spec"))
        return Endpoint(
            namespace=doc.namespace,
            name=doc.name,
            kind="Pod",
            labels=freeze_labels(_dict(doc.metadata().get("labels"))),
            ips=_pod_ips(_dict(doc.data.get("status"))),
            ports=_container_ports(spec),
            host_network=bool(spec.get("hostNetwork")),
            source=doc.source,
            service_account=_service_account(spec),
            node_name=str(spec.get("nodeName") or ""),
            workload=_owner(doc),
        )
    template = pod_template(doc)
    spec = _dict(template.get("spec"))
    return Endpoint(
        namespace=doc.namespace,
        name=doc.name,
        kind=cast(EndpointKind, doc.kind),
        labels=freeze_labels(_dict(_dict(template.get("metadata")).get("labels"))),
        ports=_container_ports(spec),
        host_network=bool(spec.get("hostNetwork")),
        source=doc.source,
        service_account=_service_account(spec),
        node_name=str(spec.get("nodeName") or ""),
    )


def _owner(doc: Document) -> str:
    """``Kind/name`` of a Pod's controller, with a Deployment's ReplicaSet read as the
    Deployment (its name minus the ``pod-template-hash`` the pod carries); "" when none."""
    references = doc.metadata().get("ownerReferences")
    owners = [r for r in references if isinstance(r, dict)] if isinstance(references, list) else []
    controller = next((r for r in owners if r.get("controller") is True), None)
    if controller is None:
        return ""
    kind, name = str(controller.get("kind") or ""), str(controller.get("name") or "")
    template_hash = _dict(doc.metadata().get("labels")).get("pod-template-hash")
    if kind == "ReplicaSet" and template_hash and name.endswith(f"-{template_hash}"):
        return f"Deployment/{name.removesuffix(f'-{template_hash}')}"
    return f"{kind}/{name}" if kind and name else ""


def _service_account(pod_spec: Mapping[str, Any]) -> str:
    """The pod's service account (``default`` when the spec names none)."""
    name = pod_spec.get("serviceAccountName") or pod_spec.get("serviceAccount")
    return name if isinstance(name, str) and name else "default"


def service(doc: Document) -> Service:
    spec = _dict(doc.data.get("spec"))
    ports = tuple(
        ServicePort(
            port=_int(_dict(p)["port"]),
            target_port=_dict(p).get("targetPort") or _int(_dict(p)["port"]),
            protocol=cast(Protocol, _dict(p).get("protocol") or "TCP"),
            name=_dict(p).get("name") or None,
        )
        for p in _list(spec.get("ports"))
    )
    ips = [spec.get("clusterIP"), *_list(spec.get("clusterIPs"))]
    cluster_ips: list[IPAddress] = []
    for text in ips:
        if isinstance(text, str) and text and text != "None":
            ip = ipaddress.ip_address(canonical_ip(text))
            if ip not in cluster_ips:
                cluster_ips.append(ip)
    return Service(
        namespace=doc.namespace,
        name=doc.name,
        selector=freeze_labels(_dict(spec.get("selector"))),
        ports=ports,
        cluster_ips=tuple(cluster_ips),
        source=doc.source,
        labels=freeze_labels(_dict(doc.metadata().get("labels"))),
    )


def namespace(doc: Document) -> Namespace:
    labels = dict(_dict(doc.metadata().get("labels")))
    labels[NAMESPACE_NAME_LABEL] = doc.name
    return Namespace(doc.name, freeze_labels(labels), declared=True, source=doc.source)


def unevaluated(doc: Document) -> UnevaluatedObject:
    return UnevaluatedObject(doc.kind, doc.api_version, doc.namespace, doc.name, doc.source)


def build_cluster(documents: Iterable[Document], not_evaluated: Iterable[Document] = ()) -> Cluster:
    """The model of a set of valid documents; undeclared namespaces get only their name label.
    ``not_evaluated`` are the documents of policy-like kinds the engine does not evaluate."""
    namespaces: dict[str, Namespace] = {}
    endpoints: list[Endpoint] = []
    policies: list[NetworkPolicy] = []
    services: list[Service] = []
    tier_policies: list[TierPolicy] = []
    nodes: list[ClusterNode] = []
    cilium: list[Document] = []
    calico_documents: list[Document] = []
    documents = list(documents)
    for doc in documents:
        kind = doc.kind
        if kind in CILIUM_KINDS:
            cilium.append(doc)
        elif is_calico(doc.api_version, kind):
            calico_documents.append(doc)
        elif kind in TIER_KINDS:
            tier_policies.append(tier_policy(doc))
        elif kind == "Node":
            nodes.append(cluster_node(doc))
        elif kind == "Namespace":
            namespaces[doc.name] = namespace(doc)
        elif is_network_policy(doc.api_version, kind):
            policies.append(network_policy(doc))
        elif kind == "Service":
            services.append(service(doc))
        elif kind in (
            "Pod",
            "Deployment",
            "StatefulSet",
            "DaemonSet",
            "ReplicaSet",
            "ReplicationController",
            "Job",
            "CronJob",
        ):
            endpoints.append(endpoint(doc))
    used = {e.namespace for e in endpoints} | {p.namespace for p in policies}
    used |= {s.namespace for s in services}
    translation = cilium_translation(cilium, services, cluster_name(documents))
    used |= {p.namespace for p in translation.policies if p.namespace}
    calico = calico_policies(calico_documents)
    used |= {p.namespace for p in calico.policies if p.namespace}
    for name in sorted(used - namespaces.keys()):
        namespaces[name] = Namespace(
            name, freeze_labels({NAMESPACE_NAME_LABEL: name}), declared=False
        )
    return Cluster(
        namespaces=tuple(sorted(namespaces.values(), key=lambda n: n.name)),
        endpoints=tuple(endpoints),
        policies=tuple(policies),
        services=tuple(services),
        tier_policies=tuple(tier_policies),
        nodes=tuple(nodes),
        not_evaluated=tuple(unevaluated(doc) for doc in not_evaluated),
        cilium_policies=translation.policies,
        notes=translation.notes,
        calico=calico,
    )
