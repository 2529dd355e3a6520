"""one-sided-flow: a connection one end admits by selector and the other end refuses."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace

from netfence.engine import Engine, RuleRef, SideVerdict
from netfence.lint import snippets
from netfence.lint.catalogue import found
from netfence.lint.context import LintContext
from netfence.lint.dns import refusal
from netfence.lint.finding import Finding
from netfence.lint.grouping import counted, grouped
from netfence.lint.intents import is_intent
from netfence.lint.snippets import PortKey
from netfence.lint.wording import policy_obj
from netfence.model import Endpoint, NetworkPolicy

RULE = "one-sided-flow"


@dataclass(frozen=True)
class OneSidedFlow:
    """``src -> dst`` on ``ports``: admitted by ``admitted`` at one end, refused at the other."""

    src: Endpoint
    dst: Endpoint
    admitted: RuleRef
    refused: SideVerdict
    ports: tuple[PortKey, ...]

    def describe(self) -> str:
        ports = ", ".join(f"{port}/{proto}" for port, proto in self.ports)
        return f"{self.src.id} -> {self.dst.id} on {ports}"

    @property
    def missing(self) -> str:
        """Where the missing rule belongs, e.g. ``an ingress rule in ai-data``."""
        owner = self.dst if self.refused.direction == "ingress" else self.src
        return f"an {self.refused.direction} rule in {owner.namespace}"


def candidate_ports(engine: Engine, src: Endpoint, dst: Endpoint) -> set[PortKey]:
    """Ports worth asking about: what ``dst`` serves and what either end's rules name."""
    keys: set[PortKey] = {(p.port, p.protocol) for p in dst.ports}
    rules = [r for p in engine.selecting(src, "egress") for r in p.egress]
    rules += [r for p in engine.selecting(dst, "ingress") for r in p.ingress]
    for rule in rules:
        for port in rule.ports:
            if isinstance(port.port, int):
                keys.add((port.port, port.protocol))
            elif isinstance(port.port, str):
                keys.update((n, port.protocol) for n in dst.named_ports(port.port, port.protocol))
    return keys


def _by_intent(ref: RuleRef, policies: Mapping[str, NetworkPolicy]) -> bool:
    """Whether the admitting peer names pods or namespaces by label."""
    if ref.peer is None:
        return False
    return is_intent(policies[ref.policy].rules(ref.direction)[ref.rule].peers[ref.peer])


def one_sided_flows(
    engine: Engine,
    policies: Mapping[str, NetworkPolicy],
    pairs: Iterable[tuple[Endpoint, Endpoint]],
) -> list[OneSidedFlow]:
    """Those of ``pairs`` whose connection one end admits by label while the other end
    refuses it. Pairs of the same two classes share one answer (see ``Engine.node_class``),
    and only class pairs whose ends disagree are asked for a verdict."""
    found: dict[tuple[str, str, str], tuple[RuleRef, SideVerdict, list[PortKey]]] = {}
    ends: dict[tuple[str, str], tuple[Endpoint, Endpoint]] = {}
    answers: dict[tuple[int, int], list[tuple[RuleRef, SideVerdict, PortKey]]] = {}
    for src, dst in pairs:
        if (
            src == dst
            or not engine.selecting(src, "egress")
            or not engine.selecting(dst, "ingress")
        ):
            continue
        classes = (engine.node_class(src), engine.node_class(dst))
        if classes not in answers:
            answers[classes] = _one_sided(engine, policies, src, dst, classes)
        for ref, refuses, port in answers[classes]:
            owner = dst if refuses.direction == "ingress" else src
            side = replace(refuses, endpoint=owner.id)
            found.setdefault((src.id, dst.id, side.direction), (ref, side, []))[2].append(port)
            ends[(src.id, dst.id)] = (src, dst)
    return [
        OneSidedFlow(*ends[(s, d)], ref, side, tuple(ports))
        for (s, d, _), (ref, side, ports) in found.items()
    ]


def _one_sided(
    engine: Engine,
    policies: Mapping[str, NetworkPolicy],
    src: Endpoint,
    dst: Endpoint,
    classes: tuple[int, int],
) -> list[tuple[RuleRef, SideVerdict, PortKey]]:
    """For one pair standing for its two classes: each port on which one end admits by label
    and the other refuses, with the admitting rule and the refusing side."""
    answers = []
    for port, protocol in sorted(candidate_ports(engine, src, dst)):
        if engine.class_allowed(port, protocol)[classes]:
            continue  # allowed: both ends agree, nothing one-sided
        if not engine.sides_disagree(port, protocol)[classes]:
            continue  # both ends refuse
        verdict = engine.verdict(src, dst, port, protocol)
        for admits, refuses in (
            (verdict.egress, verdict.ingress),
            (verdict.ingress, verdict.egress),
        ):
            refs = [r for r in admits.admitted_by if _by_intent(r, policies)]
            # A refusal by the Admin or Baseline tier is not a missing NetworkPolicy rule.
            if admits.allowed and not refuses.allowed and refs and not refuses.decided_by:
                answers.append((refs[0], refuses, (port, protocol)))
    return answers


def _group_key(flow: OneSidedFlow) -> tuple[object, ...]:
    """Flows that one rule admits and the same policies refuse, on the same ports, at the
    same namespace's end: one story, told once."""
    owner = flow.dst if flow.refused.direction == "ingress" else flow.src
    return (
        flow.admitted,
        flow.refused.direction,
        flow.refused.policies,
        flow.ports,
        owner.namespace,
    )


def flows_of(ctx: LintContext) -> list[OneSidedFlow]:
    """Every one-sided flow between endpoints of the input (DNS is dns-egress-blocked's)."""
    pairs = [(src, dst) for src, dst in ctx.intended_pairs if not ctx.is_dns(dst)]
    return one_sided_flows(ctx.engine, ctx.policies_by_id, pairs)


def check_flows(ctx: LintContext) -> Iterator[Finding]:
    """Every one-sided flow; flows with the same admitting rule, refusing policies and ports
    are one finding with a count. This rule owns the story of such a flow: redundant-rule,
    which finds the admitting rule changes nothing, refers to it."""
    for flows in grouped(flows_of(ctx), _group_key):
        flow = flows[0]
        policy = ctx.blocking_policy(flow.refused)
        admitted_at = ctx.rule_source(flow.admitted)
        where = f" ({admitted_at.file}:{admitted_at.line})" if admitted_at else ""
        other = flow.src if flow.refused.direction == "ingress" else flow.dst
        what = flow.describe()
        refused = refusal(flow.refused, flow.refused.endpoint)
        if len(flows) > 1:
            what = counted("connections", [f.describe() for f in flows])
            owners = "the destinations" if flow.refused.direction == "ingress" else "the sources"
            refused = refusal(flow.refused, owners)
        yield found(
            RULE,
            message=f"{what} {'are' if len(flows) > 1 else 'is'} admitted at "
            f"{flow.admitted.direction} by {flow.admitted}{where} but refused at "
            f"{flow.refused.direction}: {refused}; add {flow.missing}",
            obj=policy_obj(policy),
            source=policy.source,
            snippet=snippets.rule(flow.refused.direction, other, flow.ports),
        )
