"""``lab guide``: the guide's step 8, literally, on a real data plane.

From a ``default`` test-pod, ``wget -qO- http://vllm.ai-inference.svc.cluster.local:8000/health``
must time out; from the gateway it must succeed once the gateway namespace carries the label
the guide's policy expects; without allow-dns, names do not resolve; replies need no rule.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from netfence.blueprint import builtin, roles
from netfence.lab import state
from netfence.lab.addresses import assigned_addresses, with_lab_addresses
from netfence.lab.dns import Dns, dns_endpoint, with_dns_endpoint
from netfence.lab.probe import declared_listeners
from netfence.lab.servers import Servers
from netfence.lab.session import Lab
from netfence.lab.sources import cluster_of
from netfence.model import Cluster, Endpoint, Namespace
from netfence.model.types import freeze_labels

GuideOutcome = Literal["success", "timeout", "dns-failure"]
WGET_TIMEOUT = 2
GUIDE_URL = "http://vllm.ai-inference.svc.cluster.local:8000/health"
TEST_POD = "default/test-pod"


@dataclass(frozen=True)
class Step:
    """One command run from one endpoint's namespace, and what the guide says should happen."""

    source: str
    url: str
    expect: GuideOutcome
    why: str

    @property
    def host(self) -> str:
        return self.url.split("//", 1)[1].split(":", 1)[0].split("/", 1)[0]

    @property
    def command(self) -> tuple[str, ...]:
        """The guide's literal wget, bounded so a timeout ends (-T seconds, one try)."""
        return ("wget", "-qO-", "-T", str(WGET_TIMEOUT), "-t", "1", self.url)


@dataclass(frozen=True)
class StepResult:
    step: Step
    outcome: GuideOutcome
    output: str
    seconds: float

    @property
    def passed(self) -> bool:
        return self.outcome == self.step.expect


@dataclass(frozen=True)
class Scenario:
    title: str
    cluster: Cluster
    steps: tuple[Step, ...]


def with_test_pod(cluster: Cluster) -> Cluster:
    """Add ``default/test-pod`` (as ``kubectl run test-pod`` would) when it is missing."""
    if cluster.endpoint(TEST_POD) is not None:
        return cluster
    pod = Endpoint("default", "test-pod", labels=freeze_labels({"run": "test-pod"}))
    return dataclasses.replace(cluster, endpoints=(*cluster.endpoints, pod))


def label_namespace(cluster: Cluster, name: str, key: str, value: str) -> Cluster:
    """``kubectl label namespace NAME KEY=VALUE`` on the model."""
    labels = {**cluster.namespace_labels(name), key: value}
    others = tuple(n for n in cluster.namespaces if n.name != name)
    return dataclasses.replace(
        cluster, namespaces=(*others, Namespace(name, freeze_labels(labels)))
    )


def without_policy(cluster: Cluster, name: str) -> Cluster:
    policies = tuple(p for p in cluster.policies if p.name != name)
    return dataclasses.replace(cluster, policies=policies)


def _find(cluster: Cluster, test: Callable[[Endpoint], bool], what: str) -> Endpoint:
    found = next((e for e in cluster.endpoints if test(e)), None)
    if found is None:
        raise LookupError(f"the guide needs {what}, and the manifests have none")
    return found


def _url(endpoint: Endpoint, port: int) -> str:
    name = endpoint.label_map.get("app", endpoint.name)
    return f"http://{name}.{endpoint.namespace}.svc.cluster.local:{port}/health"


def literal_scenarios(cluster: Cluster) -> list[Scenario]:
    """The guide's own manifests: step 8, its gateway gap, DNS, and replies."""
    cluster = with_test_pod(cluster)
    vllm = _find(cluster, lambda e: e.label_map.get("app") == "vllm", "a pod labelled app=vllm")
    gateway = _find(cluster, lambda e: e.namespace == "gateway", "a pod in namespace gateway")
    storage = _find(cluster, lambda e: e.namespace == "ai-data", "a pod in namespace ai-data")
    storage_url = _url(storage, storage.ports[0].port if storage.ports else 443)
    gateway_url = _url(gateway, gateway.ports[0].port if gateway.ports else 8080)
    labelled = label_namespace(cluster, "gateway", "purpose", "gateway")
    return [
        Scenario(
            "the guide's policies, as written",
            cluster,
            (
                Step(TEST_POD, GUIDE_URL, "timeout", "deny-all blocks cross-namespace traffic"),
                Step(
                    gateway.id,
                    GUIDE_URL,
                    "timeout",
                    "the guide never labels the gateway namespace purpose=gateway",
                ),
            ),
        ),
        Scenario(
            "after `kubectl label namespace gateway purpose=gateway`",
            labelled,
            (
                Step(TEST_POD, GUIDE_URL, "timeout", "still blocked for unauthorized pods"),
                Step(
                    gateway.id,
                    GUIDE_URL,
                    "success",
                    "allowed; the reply passes although vllm's egress is deny-all: "
                    "policies are stateful, replies need no reverse rule",
                ),
                Step(vllm.id, gateway_url, "timeout", "new connections from vllm stay blocked"),
                Step(vllm.id, storage_url, "success", "allow-to-storage, names via allow-dns"),
            ),
        ),
        Scenario(
            "the same without allow-dns (the guide's 'DNS resolution fails')",
            without_policy(labelled, "allow-dns"),
            (Step(vllm.id, storage_url, "dns-failure", "deny-all blocks UDP 53 to kube-dns"),),
        ),
    ]


def blueprint_scenarios(cluster: Cluster, gateway_namespaces: Sequence[str]) -> list[Scenario]:
    """The generated ai-mesh set: step 8 times out, the gateway gets through."""
    cluster = with_test_pod(cluster)
    gateway = _find(cluster, lambda e: e.namespace in gateway_namespaces, "a gateway pod")
    return [
        Scenario(
            "the generated ai-mesh policies",
            cluster,
            (
                Step(TEST_POD, GUIDE_URL, "timeout", "default is not an authorized source"),
                Step(gateway.id, GUIDE_URL, "success", "the gateway may call vllm on 8000"),
            ),
        )
    ]


def guide_scenarios(literal: Cluster) -> list[Scenario]:
    """The literal guide's scenarios, then the generated ai-mesh set's."""
    blueprint = builtin("ai-mesh")
    gateways = [name for name, role in roles(blueprint).items() if role == "gateway"]
    return [*literal_scenarios(literal), *blueprint_scenarios(cluster_of(blueprint), gateways)]


async def _run_step(lab: Lab, step: Step) -> StepResult:
    node = lab.topology.node(step.source)
    if node is None:
        raise LookupError(f"no lab endpoint {step.source}")
    started = time.monotonic()

    async def run(*argv: str) -> tuple[int, str]:
        process = await asyncio.create_subprocess_exec(
            "ip",
            "netns",
            "exec",
            node.namespace,
            *argv,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        output, _ = await process.communicate()
        return process.returncode or 0, output.decode(errors="replace").strip()

    resolved, _ = await run("getent", "hosts", step.host)
    code, output = await run(*step.command)
    outcome: GuideOutcome = (
        "success" if code == 0 else "timeout" if resolved == 0 else "dns-failure"
    )
    return StepResult(step, outcome, output, time.monotonic() - started)


async def _run_scenario(lab: Lab, steps: Sequence[Step]) -> list[StepResult]:
    servers = Servers(lab.entry)
    dns = Dns(lab.topology, lab.cluster, lab.entry)
    dns_namespace = dns.node.namespace
    try:
        await servers.start(
            listener
            for listener in declared_listeners(lab.topology.nodes)
            if not (listener.namespace == dns_namespace and listener.port == 53)
        )
        dns.start(lambda pid: state.record_pid(lab.state, pid))
        return [await _run_step(lab, step) for step in steps]
    finally:
        dns.stop()
        await servers.close()


def run_scenario(scenario: Scenario) -> list[StepResult]:
    """Build the scenario's lab with DNS and servers, run its steps, tear it down."""
    with_dns = with_dns_endpoint(scenario.cluster)
    cluster = with_lab_addresses(with_dns)
    if dns_endpoint(cluster) is None:
        raise LookupError("no DNS endpoint")
    unknown = assigned_addresses(with_dns, cluster)
    with Lab(cluster, purpose="guide", unknown=unknown) as lab:
        return asyncio.run(_run_scenario(lab, scenario.steps))
