"""The NetworkPolicy tier with Cilium's policies in it, one side of one pair (the spec).

A side is isolated when a Kubernetes NetworkPolicy or a Cilium policy in default deny
selects the endpoint in that direction; it is then allowed when some NetworkPolicy rule or
Cilium Allow rule admits the connection (an endpoint's own node may always reach it, as
Cilium's ``allow-localhost`` does); a matching Cilium Deny rule refuses it in every case.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from netfence.engine.cilium_match import CiliumView, is_cilium_endpoint, rule_ports_match
from netfence.engine.external import ExternalRange
from netfence.engine.intervals import MAX_PORT, PortSet
from netfence.engine.peers import Node
from netfence.engine.verdict import NearMiss, RuleRef, SideVerdict, TierDecision
from netfence.model import Direction, Endpoint, Protocol
from netfence.model.cilium import CiliumPeer, CiliumPolicy, CiliumRule

FQDN_WITHOUT_DNS = (
    "toFQDNs {names} allows nothing for {subject}: no DNS rule (toPorts rules.dns) of a policy "
    "selecting it covers the name, so Cilium's DNS proxy never sees the lookup"
)


def _deny(policy: CiliumPolicy, direction: Direction, rule: CiliumRule) -> TierDecision:
    return TierDecision(
        "NetworkPolicy",
        policy.id,
        policy.short,
        direction,
        rule.index,
        rule.label,
        "Deny",
        rule.source,
    )


@dataclass
class CiliumReference:
    """Cilium's rules joined with a NetworkPolicy side verdict, straight from the definitions."""

    view: CiliumView

    @property
    def active(self) -> bool:
        return bool(self.view.policies)

    def _rule_matches(
        self, rule: CiliumRule, subject: Node, other: Node, port: int, protocol: Protocol, dst: Node
    ) -> tuple[int | bool | None, int | bool | None]:
        return self.view.matching_peer(rule, subject, other), rule_ports_match(
            rule, port, protocol, dst
        )

    def _localhost(self, direction: Direction, subject: Node, other: Node) -> bool:
        return direction == "ingress" and self.view.same_node(subject, other)

    def side(
        self,
        networkpolicy: SideVerdict,
        subject: Node,
        other: Node,
        port: int | None,
        protocol: Protocol,
        dst: Node,
    ) -> SideVerdict:
        """``networkpolicy`` (the Kubernetes side verdict) with Cilium's rules joined in."""
        if not self.active or not is_cilium_endpoint(subject):
            return networkpolicy
        direction = networkpolicy.direction
        selecting = self.view.selecting(subject)
        isolating = [p for p in selecting if direction in p.default_deny]
        isolated = networkpolicy.isolated or bool(isolating)
        admitted = list(networkpolicy.admitted_by)
        near = list(networkpolicy.near_misses)
        denied: TierDecision | None = None
        for policy in selecting:
            for rule in policy.rules(direction):
                peer, port_index = (
                    (False, False)
                    if port is None
                    else self._rule_matches(rule, subject, other, port, protocol, dst)
                )
                matched = peer is not False and port_index is not False
                if matched and rule.action == "Deny" and denied is None:
                    denied = _deny(policy, direction, rule)
                elif matched and rule.action == "Allow":
                    admitted.append(
                        RuleRef(
                            policy.id,
                            direction,
                            rule.index,
                            _index(peer),
                            _index(port_index),
                            rule.source,
                        )
                    )
                elif rule.action == "Allow" and port is not None:
                    near += self._near(policy, direction, rule, subject, other, peer, port_index)
        allowed = not isolated or bool(admitted) or self._localhost(direction, subject, other)
        return replace(
            networkpolicy,
            isolated=isolated,
            policies=networkpolicy.policies + tuple(p.id for p in isolating),
            admitted_by=tuple(admitted),
            allowed=allowed and denied is None,
            near_misses=() if admitted else tuple(near),
            decided_by=denied,
        )

    def _near(
        self,
        policy: CiliumPolicy,
        direction: Direction,
        rule: CiliumRule,
        subject: Node,
        other: Node,
        peer: int | bool | None,
        port_index: int | bool | None,
    ) -> list[NearMiss]:
        if peer is not False:
            ports = ", ".join(str(p) for p in rule.ports or ())
            ref = RuleRef(policy.id, direction, rule.index, _index(peer), None, rule.source)
            return [NearMiss(ref, "port", f"its ports ({ports}) do not include the port")]
        if port_index is False:
            return []
        ref = RuleRef(policy.id, direction, rule.index, None, _index(port_index), rule.source)
        why = "; ".join(self._miss(p, subject, other) for p in rule.peers) or "it has no peer"
        return [NearMiss(ref, "peer", why)]

    def _miss(self, peer: CiliumPeer, subject: Node, other: Node) -> str:
        domains = other.domains if isinstance(other, ExternalRange) else ()
        if peer.kind == "fqdns" and not any(self.view.visible(subject, d) for d in domains):
            names = ",".join(peer.fqdns)
            return FQDN_WITHOUT_DNS.format(names=names, subject=_name(subject))
        return f"{peer} does not match {_name(other)}"

    def side_ports(
        self,
        direction: Direction,
        subject: Node,
        other: Node,
        protocol: Protocol,
        dst: Node,
        networkpolicy: PortSet,
        isolated: bool,
    ) -> tuple[PortSet, bool]:
        """Ports of ``protocol`` the NetworkPolicy tier lets through with Cilium's rules, and
        whether the tier decided (isolated, or some port denied)."""
        if not self.active or not is_cilium_endpoint(subject):
            return networkpolicy, isolated
        selecting = self.view.selecting(subject)
        cilium_isolated = any(direction in p.default_deny for p in selecting)
        allowed = networkpolicy if isolated else PortSet() if cilium_isolated else PortSet.all()
        isolated = isolated or cilium_isolated
        if self._localhost(direction, subject, other):
            allowed = PortSet.all()
        denied = PortSet()
        for policy in selecting:
            for rule in policy.rules(direction):
                if self.view.matching_peer(rule, subject, other) is False:
                    continue
                ports = rule_ports(rule, protocol, dst)
                if rule.action == "Deny":
                    denied = denied | ports
                else:
                    allowed = allowed | ports
        return allowed - denied, isolated or not denied.is_empty


def rule_ports(rule: CiliumRule, protocol: Protocol, dst: Node | None) -> PortSet:
    """The ports of ``protocol`` the rule names (named ones resolved on ``dst``)."""
    if rule.ports is None:
        return PortSet.all()
    spans: list[tuple[int, int]] = []
    for entry in rule.ports:
        if entry.protocol != protocol:
            continue
        if entry.name is not None:
            if isinstance(dst, Endpoint):
                spans += [(n, n) for n in dst.named_ports(entry.name, protocol)]
        else:
            spans.append((entry.low, min(entry.high, MAX_PORT)))
    return PortSet.of(spans)


def _index(value: int | bool | None) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _name(node: Node) -> str:
    return node.id
