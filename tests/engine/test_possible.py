"""engine/possible: witness endpoints, one possible pod per class the policies tell apart."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import netfence
from netfence.engine import Engine, Node
from netfence.engine.possible import (
    MAX_WITNESSES,
    NAMED_PORT_BASE,
    Witnesses,
    label_classes,
    on_witnesses,
    regions,
    served_ports,
    with_possible_endpoints,
    witnesses,
)
from netfence.engine.reference import Reference
from netfence.model import (
    NAMESPACE_NAME_LABEL,
    Cluster,
    Endpoint,
    LabelSelector,
    Namespace,
    NetworkPolicy,
    Peer,
    PolicyPort,
    Requirement,
    Rule,
)
from tests.conftest import ROOT
from tests.engine.strategies import LABEL_KEYS, LABEL_VALUES, NAMESPACES, QUERIES, clusters

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def selector(**labels: str) -> LabelSelector:
    return LabelSelector(tuple(sorted(labels.items())))


def policy(namespace: str, name: str, subject: LabelSelector, *ingress: Rule) -> NetworkPolicy:
    return NetworkPolicy(namespace, name, subject, frozenset({"ingress"}), ingress=ingress)


def test_ai_mesh_policies_give_readable_stable_witnesses() -> None:
    cluster = netfence.load(str(ROOT / "examples/ai-mesh")).cluster
    found = witnesses([cluster])
    ids = [e.id for e in found.endpoints]
    assert ids == [e.id for e in witnesses([cluster]).endpoints]  # deterministic
    assert "ai-inference/possible:app=vllm" in ids
    assert "ai-data/possible:no-labels" in ids
    described = dict(found.descriptions)
    assert described["ai-inference/possible:app=vllm"] == (
        "a pod labelled app=vllm in namespace ai-inference "
        "(labelled netfence.dev/role=inference,purpose=inference)"
    )
    assert all(not e.ips for e in found.endpoints)
    assert not found.capped and "10 possible endpoints" in found.notice


def test_one_witness_per_vector_of_selector_outcomes() -> None:
    chosen = [
        selector(app="web"),
        LabelSelector(match_expressions=(Requirement("tier", "NotIn", frozenset({"db"})),)),
    ]
    classes = label_classes(chosen, regions({"app": {"web"}, "tier": {"db"}}))
    # app: web or not (absent and another value alike); tier: db or not.
    assert classes == [{}, {"tier": "db"}, {"app": "web"}, {"app": "web", "tier": "db"}]


def test_another_value_never_is_a_mentioned_one() -> None:
    assert regions({"app": {"other", "web"}})["app"] == (None, "other", "web", "other-2")


def test_named_ports_are_served_at_a_number_no_numeric_rule_names() -> None:
    rule = Rule(
        ports=(PolicyPort("TCP", NAMED_PORT_BASE, NAMED_PORT_BASE + 2), PolicyPort("TCP", "http"))
    )
    cluster = Cluster(policies=(policy("a", "p", LabelSelector(), rule),))
    ports = served_ports([cluster])
    assert [(p.port, p.name) for p in ports] == [
        (NAMED_PORT_BASE, None),
        (NAMED_PORT_BASE + 3, "http"),
    ]


def test_namespaces_no_policy_names_get_free_labels() -> None:
    peer = Peer(namespace_selector=selector(team="ml"), pod_selector=LabelSelector())
    cluster = Cluster(policies=(policy("a", "p", LabelSelector(), Rule(peers=(peer,))),))
    found = witnesses([cluster])
    described = dict(found.descriptions)
    assert described["other-namespace-2/possible:no-labels"] == (
        "a pod with no labels in a namespace no policy names, labelled team=ml"
    )
    labelled = next(n for n in found.namespaces if n.name == "other-namespace-2")
    assert dict(labelled.labels) == {NAMESPACE_NAME_LABEL: "other-namespace-2", "team": "ml"}


def test_the_cap_is_said_never_silent() -> None:
    keys = [f"k{i}" for i in range(13)]  # 2**13 classes of independent keys
    many = tuple(policy("a", f"p{i}", selector(**{k: "v"})) for i, k in enumerate(keys))
    found = witnesses([Cluster(policies=many)])
    assert found.capped and len(found.endpoints) == MAX_WITNESSES
    assert f"stopped at {MAX_WITNESSES}" in found.notice


def test_real_workloads_are_kept_and_no_policies_give_no_witnesses() -> None:
    pod = Endpoint("a", "web")
    assert with_possible_endpoints(Cluster(endpoints=(pod,), policies=())) == (
        Cluster(endpoints=(pod,)),
        None,
    )
    assert with_possible_endpoints(Cluster()) == (Cluster(), None)


def unmatched(model: Cluster, found: Witnesses, pods: list[Endpoint]) -> list[str]:
    """Pods of ``pods`` no witness stands for: none has every verdict (to and from every other
    witness and every external range, per the reference evaluator) equal to the pod's."""
    reference = Reference(model, "match")
    others = [*found.endpoints, *Engine(model).externals]
    cache: dict[tuple[str, str, int | str, str], bool] = {}

    def allowed(src: Node, dst: Node, port: int | str, protocol: str) -> bool:
        key = (src.id, dst.id, port, protocol)
        if key not in cache:
            cache[key] = reference.verdict(src, dst, port, protocol).allowed  # type: ignore[arg-type]
        return cache[key]

    def vector(node: Endpoint, skip: Endpoint) -> list[bool]:
        return [
            allowed(a, b, port, protocol)
            for port, protocol in QUERIES
            for other in others
            if other != skip
            for a, b in ((node, other), (other, node))
        ]

    return [
        f"{pod.id} {dict(pod.labels)}"
        for pod in pods
        if not any(vector(pod, w) == vector(w, w) for w in found.endpoints)
    ]


labels_st = st.dictionaries(
    st.sampled_from((*LABEL_KEYS, "extra")), st.sampled_from((*LABEL_VALUES, "zzz")), max_size=3
)


@SETTINGS
@given(
    clusters(),
    st.lists(
        st.tuples(st.sampled_from((*NAMESPACES, "fresh")), labels_st, labels_st),
        min_size=1,
        max_size=3,
    ),
)
def test_every_concrete_pod_is_treated_as_some_witness(
    drawn: Cluster, pods: list[tuple[str, dict[str, str], dict[str, str]]]
) -> None:
    """Exactness: for random policies and random pods (in the declared namespaces or in a new
    one with any labels), each pod has a witness whose every verdict (to and from every
    witness and every external range, per the reference evaluator) is the pod's."""
    policies = Cluster(namespaces=drawn.namespaces, policies=drawn.policies)
    found = witnesses([policies])
    ports = found.endpoints[0].ports
    fresh_labels = next(
        ({**ns, NAMESPACE_NAME_LABEL: "fresh"} for n, ns, _ in pods if n == "fresh"), {}
    )
    fresh = Namespace("fresh", tuple(sorted(fresh_labels.items())))
    concrete = [
        Endpoint(ns, f"pod{i}", labels=tuple(sorted(labels.items())), ports=ports)
        for i, (ns, _, labels) in enumerate(pods)
    ]
    model = on_witnesses(policies, found)
    model = replace(
        model,
        namespaces=(*model.namespaces, fresh),
        endpoints=(*found.endpoints, *concrete),
    )
    assert unmatched(model, found, concrete) == []


def test_every_stand_in_of_the_blueprint_has_a_witness() -> None:
    """The ai-mesh blueprint's own stand-in pods, on its policies, are each some witness."""
    mesh = netfence.load("builtin:ai-mesh").cluster
    found = witnesses([replace(mesh, endpoints=())])
    pods = [replace(e, ports=found.endpoints[0].ports, ips=()) for e in mesh.endpoints]
    model = replace(on_witnesses(mesh, found), endpoints=(*found.endpoints, *pods))
    assert unmatched(model, found, pods) == []
