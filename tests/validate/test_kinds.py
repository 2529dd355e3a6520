"""Namespace, Pod, workload and Service checks: manifest -> field paths the apiserver names."""

from __future__ import annotations

from typing import Any

import pytest

from tests.validate.helpers import fields_of, manifest, problems_of

CONTAINER = {"name": "web", "image": "nginx", "ports": [{"name": "http", "containerPort": 80}]}
TEMPLATE = {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [CONTAINER]}}
SELECTOR = {"matchLabels": {"app": "web"}}


def pod(**spec: Any) -> str:
    return manifest("Pod", {"containers": [CONTAINER], **spec})


def container(**fields: Any) -> dict[str, Any]:
    return {**CONTAINER, **fields}


def workload(kind: str, **spec: Any) -> str:
    base: dict[str, Any] = {"selector": SELECTOR, "template": TEMPLATE}
    return manifest(kind, {**base, **spec})


def job_template(restart: str | None = "Never") -> dict[str, Any]:
    spec: dict[str, Any] = {"containers": [CONTAINER]}
    if restart:
        spec["restartPolicy"] = restart
    return {"spec": spec}


VALID = {
    "namespace": manifest("Namespace", labels={"team": "ml"}),
    "namespace with finalizer": manifest("Namespace", {"finalizers": ["kubernetes"]}),
    "pod": pod(),
    "pod with every protocol": pod(
        containers=[
            container(
                ports=[
                    {"containerPort": 53, "protocol": "UDP"},
                    {"containerPort": 53, "protocol": "TCP"},
                    {"containerPort": 9, "protocol": "SCTP", "name": "sctp"},
                ]
            )
        ]
    ),
    "pod with sidecar": pod(initContainers=[container(name="side", restartPolicy="Always")]),
    "host network pod": pod(
        hostNetwork=True, containers=[container(ports=[{"containerPort": 8080}])]
    ),
    "pod status ips": manifest("Pod", {"containers": [CONTAINER]})
    + "status: {podIP: 10.0.0.1, podIPs: [{ip: 10.0.0.1}]}\n",
    "deployment": workload("Deployment", replicas=3),
    "deployment with expressions": workload(
        "Deployment",
        selector={"matchExpressions": [{"key": "app", "operator": "In", "values": ["web"]}]},
    ),
    "statefulset": workload("StatefulSet", serviceName="web"),
    "daemonset": workload("DaemonSet"),
    "replicaset": workload("ReplicaSet"),
    "job": manifest("Job", {"template": job_template()}),
    "cronjob": manifest(
        "CronJob",
        {
            "schedule": "*/5 * * * *",
            "jobTemplate": {"spec": {"template": job_template("OnFailure")}},
        },
    ),
    "cronjob descriptor": manifest(
        "CronJob", {"schedule": "@hourly", "jobTemplate": {"spec": {"template": job_template()}}}
    ),
    "service": manifest(
        "Service", {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": "http"}]}
    ),
    "headless service": manifest("Service", {"clusterIP": "None"}),
    "external name": manifest(
        "Service", {"type": "ExternalName", "externalName": "db.example.com"}
    ),
    "service with two named ports": manifest(
        "Service",
        {"ports": [{"name": "a", "port": 80}, {"name": "b", "port": 443, "targetPort": 8443}]},
    ),
}

INVALID = {
    "namespace name with dots": (manifest("Namespace", name="a.b"), ["metadata.name"]),
    "namespace name uppercase": (manifest("Namespace", name="Prod"), ["metadata.name"]),
    "namespace bad finalizer": (
        manifest("Namespace", {"finalizers": ["my-finalizer"]}),
        ["spec.finalizers"],
    ),
    "pod name": (manifest("Pod", {"containers": [CONTAINER]}, name="-x"), ["metadata.name"]),
    "pod without containers": (manifest("Pod", {}), ["spec.containers"]),
    "container without name and image": (
        pod(containers=[{"ports": [{"containerPort": 80}]}]),
        ["spec.containers[0].name", "spec.containers[0].image"],
    ),
    "container name invalid": (
        pod(containers=[container(name="Web")]),
        ["spec.containers[0].name"],
    ),
    "duplicate container name": (
        pod(containers=[container(), container(ports=[])]),
        ["spec.containers[1].name"],
    ),
    "container port zero": (
        pod(containers=[container(ports=[{"containerPort": 0}])]),
        ["spec.containers[0].ports[0].containerPort"],
    ),
    "container port missing": (
        pod(containers=[container(ports=[{"name": "http"}])]),
        ["spec.containers[0].ports[0].containerPort"],
    ),
    "container port too large": (
        pod(containers=[container(ports=[{"containerPort": 65536}])]),
        ["spec.containers[0].ports[0].containerPort"],
    ),
    "container port negative": (
        pod(containers=[container(ports=[{"containerPort": -1}])]),
        ["spec.containers[0].ports[0].containerPort"],
    ),
    "host port too large": (
        pod(containers=[container(ports=[{"containerPort": 80, "hostPort": 65536}])]),
        ["spec.containers[0].ports[0].hostPort"],
    ),
    "container port protocol": (
        pod(containers=[container(ports=[{"containerPort": 80, "protocol": "ICMP"}])]),
        ["spec.containers[0].ports[0].protocol"],
    ),
    "container port name invalid": (
        pod(containers=[container(ports=[{"containerPort": 80, "name": "HTTP"}])]),
        ["spec.containers[0].ports[0].name", "spec.containers[0].ports[0].name"],
    ),
    "container port name too long": (
        pod(containers=[container(ports=[{"containerPort": 80, "name": "a" * 16}])]),
        ["spec.containers[0].ports[0].name"],
    ),
    "duplicate port name": (
        pod(
            containers=[
                container(
                    ports=[{"containerPort": 80, "name": "p"}, {"containerPort": 81, "name": "p"}]
                )
            ]
        ),
        ["spec.containers[0].ports[1].name"],
    ),
    "duplicate host port": (
        pod(
            containers=[
                container(ports=[{"containerPort": 80, "hostPort": 8080}]),
                container(name="b", ports=[{"containerPort": 81, "hostPort": 8080}]),
            ]
        ),
        ["spec.containers[1].ports[0].hostPort"],
    ),
    "host network port mismatch": (
        pod(
            hostNetwork=True, containers=[container(ports=[{"containerPort": 80, "hostPort": 81}])]
        ),
        ["spec.containers[0].ports[0].hostPort"],
    ),
    "init container port": (
        pod(initContainers=[container(name="init", ports=[{"containerPort": 0}])]),
        ["spec.initContainers[0].ports[0].containerPort"],
    ),
    "restart policy": (pod(restartPolicy="Sometimes"), ["spec.restartPolicy"]),
    "restart policy on a container": (
        pod(containers=[container(restartPolicy="Always")]),
        ["spec.containers[0].restartPolicy"],
    ),
    "dns policy": (pod(dnsPolicy="Google"), ["spec.dnsPolicy"]),
    "pull policy": (
        pod(containers=[container(imagePullPolicy="Sometimes")]),
        ["spec.containers[0].imagePullPolicy"],
    ),
    "pod status ip": (
        manifest("Pod", {"containers": [CONTAINER]}) + "status: {podIP: 10.0.0.300}\n",
        ["status.podIP"],
    ),
    "deployment without selector": (
        manifest("Deployment", {"template": TEMPLATE}),
        ["spec.selector", "spec.template.metadata.labels"],
    ),
    "deployment empty selector": (workload("Deployment", selector={}), ["spec.selector"]),
    "deployment selector mismatch": (
        workload("Deployment", selector={"matchLabels": {"app": "db"}}),
        ["spec.template.metadata.labels"],
    ),
    "deployment negative replicas": (workload("Deployment", replicas=-1), ["spec.replicas"]),
    "deployment template label": (
        workload(
            "Deployment",
            selector={"matchLabels": {"app": "web"}},
            template={
                "metadata": {"labels": {"app": "web", "bad key": "x"}},
                "spec": {"containers": [CONTAINER]},
            },
        ),
        ["spec.template.labels"],
    ),
    "deployment restart policy": (
        workload(
            "Deployment",
            template={**TEMPLATE, "spec": {"containers": [CONTAINER], "restartPolicy": "Never"}},
        ),
        ["spec.template.spec.restartPolicy"],
    ),
    "deployment container port": (
        workload(
            "Deployment",
            template={
                **TEMPLATE,
                "spec": {"containers": [container(ports=[{"containerPort": 70000}])]},
            },
        ),
        ["spec.template.spec.containers[0].ports[0].containerPort"],
    ),
    "deployment strategy": (
        workload("Deployment", strategy={"type": "BlueGreen"}),
        ["spec.strategy.type"],
    ),
    "statefulset empty selector": (workload("StatefulSet", selector={}), ["spec.selector"]),
    "statefulset pod management": (
        workload("StatefulSet", podManagementPolicy="Random"),
        ["spec.podManagementPolicy"],
    ),
    "daemonset mismatch": (
        workload("DaemonSet", selector={"matchLabels": {"app": "x"}}),
        ["spec.template.metadata.labels"],
    ),
    "replicaset selector operator": (
        workload("ReplicaSet", selector={"matchExpressions": [{"key": "app", "operator": "Is"}]}),
        ["spec.selector.matchExpressions[0].operator", "spec.selector"],
    ),
    "job restart policy": (
        manifest("Job", {"template": job_template("Always")}),
        ["spec.template.spec.restartPolicy"],
    ),
    "job without restart policy": (
        manifest("Job", {"template": job_template(None)}),
        ["spec.template.spec.restartPolicy"],
    ),
    "job negative parallelism": (
        manifest("Job", {"parallelism": -1, "template": job_template()}),
        ["spec.parallelism"],
    ),
    "cronjob without schedule": (
        manifest("CronJob", {"jobTemplate": {"spec": {"template": job_template()}}}),
        ["spec.schedule"],
    ),
    "cronjob bad schedule": (
        manifest(
            "CronJob",
            {"schedule": "every minute", "jobTemplate": {"spec": {"template": job_template()}}},
        ),
        ["spec.schedule"],
    ),
    "cronjob name too long": (
        manifest(
            "CronJob",
            {"schedule": "@daily", "jobTemplate": {"spec": {"template": job_template()}}},
            name="a" * 53,
        ),
        ["metadata.name"],
    ),
    "cronjob job template": (
        manifest(
            "CronJob",
            {"schedule": "@daily", "jobTemplate": {"spec": {"template": job_template("Always")}}},
        ),
        ["spec.jobTemplate.spec.template.spec.restartPolicy"],
    ),
    "service name must be a DNS-1035 label": (
        manifest("Service", {"ports": [{"port": 80}]}, name="1web"),
        ["metadata.name"],
    ),
    "service without ports": (manifest("Service", {"selector": {"app": "web"}}), ["spec.ports"]),
    "service port zero": (manifest("Service", {"ports": [{"port": 0}]}), ["spec.ports[0].port"]),
    "service unnamed ports": (
        manifest("Service", {"ports": [{"port": 80}, {"port": 443}]}),
        ["spec.ports[0].name", "spec.ports[1].name"],
    ),
    "service target port": (
        manifest("Service", {"ports": [{"port": 80, "targetPort": 70000}]}),
        ["spec.ports[0].targetPort"],
    ),
    "service type": (
        manifest("Service", {"type": "Internal", "ports": [{"port": 80}]}),
        ["spec.type"],
    ),
    "service protocol": (
        manifest("Service", {"ports": [{"port": 80, "protocol": "HTTP"}]}),
        ["spec.ports[0].protocol"],
    ),
    "service selector": (
        manifest("Service", {"ports": [{"port": 80}], "selector": {"app": "a b"}}),
        ["spec.selector"],
    ),
    "service cluster ip": (
        manifest("Service", {"ports": [{"port": 80}], "clusterIP": "10.0.0.999"}),
        ["spec.clusterIP"],
    ),
}


@pytest.mark.parametrize("text", VALID.values(), ids=VALID.keys())
def test_valid_objects_pass(text: str) -> None:
    assert problems_of(text) == []


@pytest.mark.parametrize(("text", "fields"), INVALID.values(), ids=INVALID.keys())
def test_invalid_objects_name_each_field(text: str, fields: list[str]) -> None:
    assert fields_of(text) == fields


def test_selector_mismatch_message() -> None:
    text = workload("Deployment", selector={"matchLabels": {"app": "db"}})
    (problem,) = problems_of(text)
    assert problem.message == (
        'Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`'
    )


def test_owner_references_and_finalizers() -> None:
    owner = {"apiVersion": "apps/", "kind": "", "name": "rs", "uid": "1", "controller": True}
    text = manifest(
        "NetworkPolicy",
        {},
        ownerReferences=[owner, {**owner, "apiVersion": "apps/v1", "kind": "RS"}],
        finalizers=["example.com/keep", "orphan", "custom"],
    )
    assert fields_of(text) == [
        "metadata.ownerReferences.apiVersion",
        "metadata.ownerReferences.kind",
        "metadata.ownerReferences",
        "metadata.finalizers[2]",
    ]


def test_generate_name_is_checked_and_stands_in_for_the_name() -> None:
    assert fields_of(manifest("Namespace", name=None, generateName="team-")) == []
    assert fields_of(manifest("Namespace", name=None, generateName="Team-")) == [
        "metadata.generateName",
        "metadata.name",
    ]


def test_annotations_are_limited_in_total_size() -> None:
    text = manifest("Namespace", annotations={"a": "x" * 200_000, "b": "y" * 100_000})
    (problem,) = problems_of(text)
    assert (problem.field, problem.message) == (
        "metadata.annotations",
        "Too long: may not be more than 262144 bytes",
    )
