"""Witness endpoints: one *possible* pod for each class of pods the policies tell apart.

When an input has no workloads (a folder of policies, what ``plan`` writes), the verdicts
that matter are those of every pod that could exist. The selectors of the policies split the
pods into finitely many classes, and every policy treats the pods of one class alike; one
witness per class makes the analysis exact without sampling:

- each label key a selector names has the value regions the selectors tell apart: every value
  they mention, "a value no policy names" and "absent" (the key set to another value or not);
- pod label sets are enumerated key by key, and two partial label sets that leave every
  selector in the same state (each selector's requirements on the keys so far met or not) are
  one class, since a selector is the conjunction of its requirements key by key: what is kept
  is exactly one label set per distinct vector of selector outcomes (keys that never occur in
  one selector multiply as independent components);
- namespaces are those the input declares (with their declared labels), those the policies
  live in or select by name (``kubernetes.io/metadata.name``; only that label, as netfence
  reads an undeclared namespace everywhere) and, with free labels, namespaces no policy names;
- a witness is a namespace class and a pod label class; two witnesses every policy treats
  alike (the same outcome for every policy's subject and every selector peer) are one.

Selectors counted: NetworkPolicy subjects and peers, and the subjects and peers of the
AdminNetworkPolicy/BaselineAdminNetworkPolicy/ClusterNetworkPolicy tiers. Cilium and Calico
selectors use their own label forms and add no classes here (witnesses are still evaluated
under them). Witnesses have no IP (their address is somewhere in the pod CIDR).

Ports: every witness serves every port the policies name. A named port ``NAME``/protocol is
served at a number no numeric rule of that protocol names (the first free one from 49152), so
named-port rules resolve at every witness and numeric rules do not match it by coincidence;
each numeric port (the first of a range) is declared too, so analyses query it (container
ports never change a numeric rule's verdict). A pod may also serve a name at a number a
numeric rule names (``https`` at 443): for each such name and number, every witness has a
twin serving the name there (``possible:app=minio+https@443``), so a rule naming a port by
a misspelt name is seen to admit or refuse such pods too.

Witness ids are ``<namespace>/possible:<labels>`` (``ai-data/possible:app=minio``,
``ai-data/possible:no-labels``): ``:`` and ``=`` cannot occur in a Kubernetes name, so no
witness can clash with a real pod. Same input, same witnesses, in the same order.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace

from netfence.model import (
    Cluster,
    ContainerPort,
    Endpoint,
    LabelSelector,
    Namespace,
    Protocol,
)
from netfence.model.types import freeze_labels
from netfence.vocabulary import NAMESPACE_NAME_LABEL

MAX_WITNESSES = 4096
"""At most this many witnesses; past it, the analysis says it covers only these."""
NAMED_PORT_BASE = 49152
WITNESS_PREFIX = "possible:"
OTHER_VALUE = "other"
OTHER_NAMESPACE = "other-namespace"

Labels = Mapping[str, str]


@dataclass(frozen=True)
class PodSet:
    """Pods one selector of a policy stands for: pods of ``namespace`` (a podSelector alone,
    a policy's subject) or of namespaces matching ``namespaces``, whose labels match ``pods``
    (None: every pod)."""

    namespace: str | None
    namespaces: LabelSelector | None
    pods: LabelSelector | None

    def matches(self, namespace: str, namespace_labels: Labels, labels: Labels) -> bool:
        if self.namespace is not None and namespace != self.namespace:
            return False
        if self.namespaces is not None and not self.namespaces.matches(namespace_labels):
            return False
        return self.pods is None or self.pods.matches(labels)


@dataclass(frozen=True)
class NamespaceClass:
    """A namespace a witness lives in; ``variants`` are the label sets the inputs declare
    for it (one when they agree); ``named`` says whether some input names it."""

    name: str
    variants: tuple[tuple[tuple[str, str], ...], ...]
    named: bool
    declared: bool

    @property
    def labels(self) -> tuple[tuple[str, str], ...]:
        return self.variants[0]


@dataclass(frozen=True)
class Witnesses:
    """The witness endpoints, the namespaces they need, and one description per witness."""

    endpoints: tuple[Endpoint, ...]
    namespaces: tuple[Namespace, ...]
    descriptions: tuple[tuple[str, str], ...]
    capped: bool = False

    @property
    def notice(self) -> str:
        """One line saying what the endpoints are (and when the cap cut them short)."""
        text = (
            f"no workloads in the input: evaluating {len(self.endpoints)} possible endpoints, "
            "one witness for each class of pods the policies tell apart"
        )
        if self.capped:
            text += (
                f" (stopped at {MAX_WITNESSES}: the policies tell apart more classes, and "
                "pods of the others are not evaluated)"
            )
        return text


def pod_sets(cluster: Cluster) -> Iterator[PodSet]:
    """Every set of pods a NetworkPolicy or a tier policy of ``cluster`` names."""
    for policy in cluster.policies:
        yield PodSet(policy.namespace, None, policy.pod_selector)
        for rule in (*policy.ingress, *policy.egress):
            for peer in rule.peers:
                if peer.ip_block is not None:
                    continue
                if peer.namespace_selector is None and peer.pod_selector is not None:
                    yield PodSet(policy.namespace, None, peer.pod_selector)
                elif peer.namespace_selector is not None:
                    yield PodSet(None, peer.namespace_selector, peer.pod_selector)
    for tier_policy in cluster.tier_policies:
        selections = [tier_policy.subject]
        for tier_rule in (*tier_policy.ingress, *tier_policy.egress):
            selections += [p.selector for p in tier_rule.peers if p.selector is not None]
        for selection in selections:
            yield PodSet(None, selection.namespaces, selection.pods)


def policy_namespaces(cluster: Cluster) -> set[str]:
    """Namespaces the policies of ``cluster`` live in."""
    found = {p.namespace for p in cluster.policies}
    found |= {p.namespace for p in cluster.cilium_policies if p.namespace}
    found |= {p.namespace for p in cluster.calico.policies if p.namespace}
    return found


def mentioned_values(selectors: Iterable[LabelSelector]) -> dict[str, set[str]]:
    """Every key the selectors name, with the values they name for it."""
    found: dict[str, set[str]] = {}
    for selector in selectors:
        for key, value in selector.match_labels:
            found.setdefault(key, set()).add(value)
        for requirement in selector.match_expressions:
            found.setdefault(requirement.key, set()).update(requirement.values)
    return found


def unused(base: str, taken: set[str]) -> str:
    """``base``, or ``base-2``, ``base-3``, ... : the first not in ``taken``."""
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def regions(values: Mapping[str, set[str]]) -> dict[str, tuple[str | None, ...]]:
    """Per key, one value per region: absent (None), each mentioned value, another value."""
    return {
        key: (None, *sorted(named), unused(OTHER_VALUE, named))
        for key, named in sorted(values.items())
    }


def _partial(selector: LabelSelector, labels: Labels, keys: set[str]) -> bool:
    """Whether ``selector``'s requirements on ``keys`` hold for ``labels``."""
    return all(labels.get(k) == v for k, v in selector.match_labels if k in keys) and all(
        r.matches(labels) for r in selector.match_expressions if r.key in keys
    )


def label_classes(
    selectors: Sequence[LabelSelector],
    key_regions: Mapping[str, tuple[str | None, ...]],
    fixed: Labels | None = None,
) -> list[dict[str, str]]:
    """One label set per distinct vector of outcomes of ``selectors`` (keys in ``fixed``
    keep its values), the one with the fewest and earliest values first."""
    fixed = dict(fixed or {})
    classes: dict[tuple[bool, ...], dict[str, str]] = {(): dict(fixed)}
    assigned = set(fixed)
    for key, values in key_regions.items():
        if key in fixed:
            continue
        assigned.add(key)
        grown: dict[tuple[bool, ...], dict[str, str]] = {}
        for labels in classes.values():
            for value in values:
                candidate = dict(labels) if value is None else {**labels, key: value}
                state = tuple(_partial(s, candidate, assigned) for s in selectors)
                grown.setdefault(state, candidate)
        classes = grown
    return list(classes.values())


def namespace_classes(clusters: Sequence[Cluster], sets: Sequence[PodSet]) -> list[NamespaceClass]:
    """Namespaces the inputs name (declared labels, or the name label only), then one per
    class of the namespace selectors among namespaces no input names."""
    selectors = [s.namespaces for s in sets if s.namespaces is not None]
    values = mentioned_values(selectors)
    declared: dict[str, list[tuple[tuple[str, str], ...]]] = {}
    for cluster in clusters:
        for namespace in cluster.namespaces:
            if namespace.declared and namespace.labels not in declared.get(namespace.name, []):
                declared.setdefault(namespace.name, []).append(namespace.labels)
    names = set(declared) | values.get(NAMESPACE_NAME_LABEL, set())
    for cluster in clusters:
        names |= policy_namespaces(cluster) | {n.name for n in cluster.namespaces}
    found = [
        NamespaceClass(
            name,
            tuple(declared.get(name, [freeze_labels({NAMESPACE_NAME_LABEL: name})])),
            named=True,
            declared=name in declared,
        )
        for name in sorted(names)
    ]
    taken = set(names)
    key_regions = regions(values)
    for labels in label_classes(selectors, key_regions, {NAMESPACE_NAME_LABEL: ""}):
        name = unused(OTHER_NAMESPACE, taken)
        taken.add(name)
        labels[NAMESPACE_NAME_LABEL] = name
        found.append(NamespaceClass(name, (freeze_labels(labels),), named=False, declared=False))
    return found


def port_placements(
    ports: tuple[ContainerPort, ...],
) -> list[tuple[str, str, tuple[ContainerPort, ...]]]:
    """Each way a witness serves ``ports``: (name suffix, description, ports); the first
    serves every name at its own number, each other one name at a number a rule names."""
    placements = [("", "", ports)]
    numbers = [p for p in ports if p.name is None]
    for named in (p for p in ports if p.name is not None):
        for number in (n for n in numbers if n.protocol == named.protocol):
            moved = tuple(
                replace(p, name=named.name) if p == number else p for p in ports if p != named
            )
            unit = "" if named.protocol == "TCP" else f"-{named.protocol.lower()}"
            suffix = f"+{named.name}@{number.port}{unit}"
            text = f", serving its port {named.name} at {number.port}/{named.protocol}"
            placements.append((suffix, text, moved))
    return placements


def served_ports(clusters: Sequence[Cluster]) -> tuple[ContainerPort, ...]:
    """The ports every witness serves (see the module's docstring)."""
    numbers: set[tuple[int, int, Protocol]] = set()
    names: set[tuple[str, Protocol]] = set()
    for cluster in clusters:
        for _, _, _, rule in cluster.rules():
            for port in rule.ports:
                if isinstance(port.port, int):
                    numbers.add((port.port, port.end_port or port.port, port.protocol))
                elif isinstance(port.port, str):
                    names.add((port.port, port.protocol))
        for tier_policy in cluster.tier_policies:
            for tier_rule in (*tier_policy.ingress, *tier_policy.egress):
                for entry in tier_rule.ports or ():
                    if entry.name is not None:
                        names.add((entry.name, entry.protocol))
                    else:
                        numbers.add((entry.low, entry.high, entry.protocol))
    served = {(lo, protocol) for lo, _, protocol in numbers}
    ports = [ContainerPort(n, protocol) for n, protocol in served]
    for name, protocol in sorted(names):
        number = NAMED_PORT_BASE
        while number < 65535 and (
            (number, protocol) in served
            or any(lo <= number <= hi and p == protocol for lo, hi, p in numbers)
        ):
            number += 1
        served.add((number, protocol))
        ports.append(ContainerPort(number, protocol, name))
    order = {"TCP": 0, "UDP": 1, "SCTP": 2}
    return tuple(sorted(ports, key=lambda p: (order[p.protocol], p.port, p.name or "")))


def _label_text(labels: Labels, others: Mapping[str, str], empty: str) -> str:
    parts = [
        f"{k}=<other>" if others.get(k) == v else f"{k}={v}" for k, v in sorted(labels.items())
    ]
    return ",".join(parts) or empty


def describe(namespace: NamespaceClass, labels: Labels, others: Mapping[str, str]) -> str:
    """``a pod labelled app=minio in namespace ai-data (labelled purpose=data)``."""
    pod = _label_text(labels, others, "")
    text = f"a pod labelled {pod}" if pod else "a pod with no labels"
    namespace_labels = {k: v for k, v in namespace.labels if k != NAMESPACE_NAME_LABEL}
    shown = _label_text(namespace_labels, {}, "")
    if namespace.named:
        text += f" in namespace {namespace.name}"
        if shown:
            text += f" (labelled {shown})"
    else:
        text += " in a namespace no policy names"
        if shown:
            text += f", labelled {shown}"
    if any(others.get(k) == v for k, v in labels.items()):
        text += " (<other>: any value no policy names)"
    return text


def likewise(namespaces: Sequence[NamespaceClass]) -> str:
    """``; likewise in namespace x, y and in namespaces no policy names``: the other
    namespaces whose pods of the same labels every policy treats as the witness."""
    named = [n.name for n in namespaces if n.named]
    parts = [f"namespace {', '.join(named)}"] if named else []
    parts += ["namespaces no policy names"] if len(named) < len(namespaces) else []
    return f"; likewise in {' and in '.join(parts)}" if parts else ""


def witness_name(labels: Labels) -> str:
    """``possible:app=minio`` (``possible:no-labels`` for none)."""
    text = ",".join(f"{k}={v}" for k, v in sorted(labels.items()))
    return WITNESS_PREFIX + (text or "no-labels")


def witnesses(clusters: Sequence[Cluster]) -> Witnesses:
    """One witness endpoint per class of possible pods the policies of ``clusters`` (all of
    them: both sides of a diff) tell apart."""
    sets = list(dict.fromkeys(s for c in clusters for s in pod_sets(c)))
    pod_values = mentioned_values(s.pods for s in sets if s.pods is not None)
    key_regions = regions(pod_values)
    others = {k: str(v[-1]) for k, v in key_regions.items()}
    pod_selectors = list(dict.fromkeys(s.pods for s in sets if s.pods is not None))
    pods = label_classes(pod_selectors, key_regions)
    placements = port_placements(served_ports(clusters))
    seen: dict[tuple[bool, ...], int] = {}
    endpoints: list[Endpoint] = []
    texts: list[str] = []
    alike: list[list[NamespaceClass]] = []
    used: list[NamespaceClass] = []
    capped = False
    for namespace in namespace_classes(clusters, sets):
        for labels in pods:
            signature = tuple(
                s.matches(namespace.name, dict(variant), labels)
                for variant in namespace.variants
                for s in sets
            )
            if signature in seen:
                kept = alike[seen[signature]]
                if namespace.name != endpoints[seen[signature]].namespace and namespace not in kept:
                    kept.append(namespace)
                continue
            if len(endpoints) + len(placements) > MAX_WITNESSES:
                capped = True
                break
            seen[signature] = len(endpoints)
            for suffix, text, served in placements:
                name = witness_name(labels) + suffix
                frozen = freeze_labels(labels)
                endpoints.append(Endpoint(namespace.name, name, labels=frozen, ports=served))
                texts.append(describe(namespace, labels, others) + text)
                alike.append(alike[seen[signature]] if suffix else [])
            if namespace not in used:
                used.append(namespace)
    descriptions = [
        (e.id, text + likewise(others_alike))
        for e, text, others_alike in zip(endpoints, texts, alike, strict=True)
    ]
    namespaces = tuple(
        Namespace(n.name, n.labels, declared=n.declared or not n.named) for n in used
    )
    return Witnesses(tuple(endpoints), namespaces, tuple(descriptions), capped)


def has_policies(cluster: Cluster) -> bool:
    """Whether ``cluster`` holds a policy of any evaluated kind."""
    return bool(
        cluster.policies
        or cluster.tier_policies
        or cluster.cilium_policies
        or cluster.calico.policies
    )


def on_witnesses(cluster: Cluster, found: Witnesses) -> Cluster:
    """``cluster``'s policies evaluated on ``found``'s witnesses: namespaces ``cluster``
    declares keep their labels, the witnesses' fill in the rest."""
    namespaces = {n.name: n for n in found.namespaces}
    namespaces.update({n.name: n for n in cluster.namespaces if n.declared})
    for namespace in cluster.namespaces:
        namespaces.setdefault(namespace.name, namespace)
    return replace(
        cluster,
        namespaces=tuple(sorted(namespaces.values(), key=lambda n: n.name)),
        endpoints=found.endpoints,
        witnesses=found.descriptions,
    )


def within(found: Witnesses, namespaces: Sequence[str]) -> Witnesses:
    """Only the witnesses in ``namespaces`` (all of them when none are given)."""
    if not namespaces:
        return found
    keep = [e for e in found.endpoints if e.namespace in namespaces]
    ids = {e.id for e in keep}
    return replace(
        found,
        endpoints=tuple(keep),
        namespaces=tuple(n for n in found.namespaces if n.name in namespaces),
        descriptions=tuple((i, d) for i, d in found.descriptions if i in ids),
    )


def with_possible_endpoints(
    cluster: Cluster, namespaces: Sequence[str] = ()
) -> tuple[Cluster, Witnesses | None]:
    """``cluster`` itself when it has workloads (or no policies); otherwise on the witnesses
    of its own policies (only those in ``namespaces`` when given), with them, to say so."""
    if cluster.endpoints or not has_policies(cluster):
        return cluster, None
    found = within(witnesses([cluster]), namespaces)
    return on_witnesses(cluster, found), found
