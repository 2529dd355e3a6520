"""Every lint rule in one place: stable id, severity, one-line description, fix hint, docs."""

from __future__ import annotations

from dataclasses import dataclass

from netfence.lint.finding import Finding, Severity
from netfence.problems import Source


@dataclass(frozen=True)
class RuleInfo:
    """What a rule checks, how bad it is by default, and how to fix what it finds."""

    id: str
    severity: Severity
    description: str
    hint: str
    explanation: str
    snippet: str = ""
    needs_roles: bool = False

    @property
    def fix(self) -> str:
        """The hint, followed by the rule's YAML snippet when it has one."""
        return self.hint + ("\n" + self.snippet if self.snippet else "")

    @property
    def anchor(self) -> str:
        """The section of ``docs/rules.md`` that documents this rule."""
        return f"docs/rules.md#{self.id}"


_ALLOW_DNS = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-dns, namespace: NAMESPACE}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
  - to:
    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}
      podSelector: {matchLabels: {k8s-app: kube-dns}}
    ports:
    - {port: 53, protocol: UDP}
    - {port: 53, protocol: TCP}
"""

_DENY_ALL = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all, namespace: NAMESPACE}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
"""

_INGRESS_RULE = """\
# at the destination, next to the egress rule at the source:
spec:
  podSelector: {matchLabels: {app: DESTINATION}}
  policyTypes: [Ingress]
  ingress:
  - from:
    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: SOURCE_NAMESPACE}}
      podSelector: {matchLabels: {app: SOURCE}}
    ports: [{port: PORT, protocol: TCP}]
"""

_CLOSE_INGRESS = """\
# replacing the rule that admits every namespace or address:
ingress:
- from:
  - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: CLIENT_NAMESPACE}}
    podSelector: {matchLabels: {app: CLIENT}}
  ports: [{port: PORT, protocol: TCP}]
"""

RULES: tuple[RuleInfo, ...] = (
    RuleInfo(
        id="dns-egress-blocked",
        severity="error",
        description="An endpoint cannot reach cluster DNS on UDP 53.",
        hint="Add an allow-dns policy to the namespace (UDP and TCP 53 to kube-dns, or an "
        "ipBlock for the NodeLocal DNSCache address).",
        explanation="Every pod resolves Service names through cluster DNS. Once its egress is "
        "isolated (or kube-dns's ingress is), name lookups time out and every client fails "
        "in confusing ways. NodeLocal DNSCache listens on a host-network address (e.g. "
        "169.254.20.10) that no podSelector can match: allow it with an ipBlock (`--dns-ip`).",
        snippet=_ALLOW_DNS,
    ),
    RuleInfo(
        id="dns-tcp-blocked",
        severity="warning",
        description="An endpoint can reach cluster DNS on UDP 53 but not on TCP 53.",
        hint="Allow TCP 53 next to UDP 53 in the allow-dns policy.",
        explanation="DNS falls back to TCP for answers that do not fit a UDP datagram "
        "(truncation), e.g. many records or DNSSEC; those lookups fail when only UDP is allowed.",
        snippet="ports:\n- {port: 53, protocol: UDP}\n- {port: 53, protocol: TCP}\n",
    ),
    RuleInfo(
        id="one-sided-flow",
        severity="error",
        description="A connection is admitted at one end but no rule at the other end admits it.",
        hint="Add the matching rule at the other end: an ingress rule at the destination for an "
        "egress rule at the source, or the reverse.",
        explanation="A connection needs the source's egress AND the destination's ingress to "
        "allow it whenever each side is isolated. A rule written at only one end (the guide's "
        '"service-to-service communication broken") admits nothing on its own.',
        snippet=_INGRESS_RULE,
    ),
    RuleInfo(
        id="selector-matches-nothing",
        severity="warning",
        description="A namespaceSelector or podSelector in a rule matches no namespace or pod.",
        hint="Label the namespace or pods the rule means (e.g. `kubectl label namespace "
        "gateway purpose=gateway`), or fix the selector.",
        explanation="A peer that matches nothing admits nothing: the flow it was written for "
        "stays blocked. The guide's `purpose: gateway` selector is the classic case: the "
        "gateway namespace is never labelled. Prefer the built-in "
        "`kubernetes.io/metadata.name` label, which every namespace has.",
        snippet="namespaceSelector:\n  matchLabels: {kubernetes.io/metadata.name: gateway}\n",
    ),
    RuleInfo(
        id="policy-selects-nothing",
        severity="warning",
        description="A policy's own podSelector selects no pod in its namespace.",
        hint="Fix the podSelector (labels of the pods as deployed) or delete the policy.",
        explanation="A policy that selects no pod neither isolates nor admits anything; it is "
        "usually a typo in a label or a policy left behind after a rename.",
    ),
    RuleInfo(
        id="no-default-deny",
        severity="warning",
        description="A namespace with workloads has no policy isolating all its pods for "
        "ingress and egress.",
        hint="Add a deny-all policy (podSelector {}, policyTypes [Ingress, Egress]) together "
        "with the allow rules it then needs (DNS, and ingress for the flows that enter).",
        explanation="Without a default deny, every pod that no policy selects accepts and sends "
        "anything, and new pods start unprotected. Adding one is not free: the finding lists "
        "what would break (DNS, flows admitted only at the other end) so the allow rules can be "
        "written in the same change. System namespaces (kube-*) are not checked.",
        snippet=_DENY_ALL,
    ),
    RuleInfo(
        id="unprotected-endpoint",
        severity="warning",
        description="An endpoint in a namespace with policies is not isolated in a direction.",
        hint="Select it with a policy for that direction, e.g. a deny-all with podSelector {}.",
        explanation="Policies only restrict the pods they select. A pod whose labels no policy "
        "matches in its namespace stays open in that direction even though its neighbours are "
        "protected.",
        snippet=_DENY_ALL,
    ),
    RuleInfo(
        id="egress-to-internet",
        severity="error",
        description="An endpoint can reach public IP space (error for inference and data, "
        "info for agents, warning otherwise).",
        hint="Close the route: isolate its egress, and remove or narrow the rule that admits "
        "public addresses (named below); model storage and inference get no outside route, "
        "agents reach their tool APIs by those APIs' own CIDRs.",
        explanation="Inference servers and model storage hold model weights: any route to the "
        "internet is an exfiltration route. Agents legitimately call external tools, so it is "
        "only information for them. Severity depends on the endpoint's role.",
        needs_roles=True,
    ),
    RuleInfo(
        id="metadata-endpoint-reachable",
        severity="error",
        description="An endpoint can reach the cloud metadata address 169.254.169.254 or "
        "fd00:ec2::254 (warning when it has no egress isolation at all).",
        hint="Close it: add the metadata address to the except of the ipBlock that admits it "
        "(named below), or isolate egress where it is not.",
        explanation="The instance metadata service hands out node credentials; a compromised "
        "pod that reaches it can act as the node. It is an error when an egress rule admits it "
        "(a rule was written and is too wide), a warning when egress is simply not isolated.",
        snippet="# in the ipBlock that admits it, keep its cidr and add:\n"
        "except: [169.254.169.254/32]  # fd00:ec2::254/128 in an IPv6 ipBlock\n",
    ),
    RuleInfo(
        id="ipblock-overlaps-cluster",
        severity="warning",
        description="An ipBlock covers the pod or service CIDR or known pod IPs.",
        hint="Select in-cluster peers with pod/namespace selectors; keep ipBlocks for "
        "addresses outside the cluster (set --pod-cidr/--service-cidr to your cluster's).",
        explanation="Whether an ipBlock matches traffic to or from pods is implementation-"
        "defined: Calico, Antrea and kube-router match pod IPs, Cilium does not. A private "
        "range like 10.0.0.0/8 usually covers the pod network, so the same policy admits "
        "different pods on different CNIs. Service IPs are translated to pod IPs before policy "
        "applies, so an ipBlock over the service CIDR never means what it seems.",
    ),
    RuleInfo(
        id="exfiltration-path",
        severity="error",
        description="An endpoint that can reach model storage can also reach outside the "
        "cluster, directly or through one endpoint it can reach.",
        hint="Cut the path: isolate egress of the endpoints on it, or remove their access to "
        "model storage.",
        explanation="Whoever reads model weights and can also send data out (or hand it to a "
        "neighbour that can) can exfiltrate them. DNS servers and the storage itself are not "
        "counted as intermediates (egress-to-internet covers the storage).",
        needs_roles=True,
    ),
    RuleInfo(
        id="ingress-from-everywhere",
        severity="error",
        description="An inference, vector-db or data endpoint admits traffic from all "
        "namespaces or all IPs.",
        hint="Admit only its clients: the ones the input's own rules name, or the ones you "
        "decide (fill in the placeholders), on the ports it serves.",
        explanation="These endpoints serve models, embeddings and weights. Admitting every "
        "namespace (namespaceSelector {}, or no isolation) or every address (ipBlock "
        "0.0.0.0/0) lets any compromised pod query or copy them.",
        snippet=_CLOSE_INGRESS,
        needs_roles=True,
    ),
    RuleInfo(
        id="redundant-rule",
        severity="info",
        description="A rule or policy whose removal changes no connection.",
        hint="Delete it, or fix it if it was meant to allow something else.",
        explanation="The engine compares the exact allowed connections (every pair, every "
        "port and protocol) with and without the rule. A redundant rule is harmless but hides "
        "intent and often signals a mistake.",
    ),
    RuleInfo(
        id="return-traffic-rule",
        severity="info",
        description="A rule that only exists to allow replies, which NetworkPolicy never needs.",
        hint="Delete it: replies to an allowed connection are always allowed.",
        explanation="NetworkPolicy is stateful: implementations track connections, so reply "
        "packets of an allowed connection pass in both directions. A rule towards a port the "
        "peer does not serve, mirroring a connection the peer opens to a port this endpoint "
        "serves, only widens access (the guide's last common failure is wrong).",
    ),
    RuleInfo(
        id="deprecated-api",
        severity="error",
        description="An object uses an apiVersion that is deprecated or no longer served.",
        hint="Use the served version (networking.k8s.io/v1, apps/v1, batch/v1).",
        explanation="Current API servers reject removed versions such as extensions/v1beta1 "
        "NetworkPolicy; the object is never applied. netfence leaves such objects out of the "
        "analysis.",
        snippet="apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n",
    ),
    RuleInfo(
        id="named-port-unresolved",
        severity="warning",
        description="A rule names a port that no destination declares.",
        hint="Use the containerPort name the destination pods declare, or a port number.",
        explanation="A named port is resolved on each destination pod's container ports; a "
        "name no destination declares matches nothing, so the rule admits nothing. Without "
        "workloads in the input (a folder of policies), a name one edit away from another "
        "name the input uses or from a well-known one (htps for https) is reported instead.",
        snippet="ports:\n- {port: http, protocol: TCP}  # a name from spec.containers[].ports\n",
    ),
    RuleInfo(
        id="service-port-in-policy",
        severity="warning",
        description="A rule names a Service's port where the pods behind the Service serve a "
        "different targetPort.",
        hint="Name the pods' port (the Service's targetPort) in the rule.",
        explanation="Services translate their port to the pods' targetPort before policy "
        "applies, so NetworkPolicy ports are always pod ports: a rule allowing port 80 to pods "
        "behind a Service `port: 80, targetPort: 8000` admits nothing of what the Service "
        "carries. Checked only when the input has Services.",
        snippet="ports: [{port: 8000, protocol: TCP}]  # the targetPort, not the Service port\n",
    ),
    RuleInfo(
        id="guardrail-not-enforced",
        severity="error",
        description="A guardrail the blueprint asks for (DNS always allowed, no internet or "
        "metadata service, a Baseline default deny, model storage closed) is not enforced by "
        "the input's tier policies.",
        hint="Run `netfence plan --tiers v1alpha2` (or v1alpha1) and apply its guardrails.yaml.",
        explanation="Guardrails live in the Admin and Baseline tiers (AdminNetworkPolicy, "
        "BaselineAdminNetworkPolicy, ClusterNetworkPolicy) so that namespace owners cannot undo "
        "them. NetworkPolicies that happen to implement the same isolation today are not a "
        "guardrail: one deleted policy undoes them.",
    ),
    RuleInfo(
        id="tier-rule-shadowed",
        severity="warning",
        description="An AdminNetworkPolicy/ClusterNetworkPolicy rule that an earlier rule of "
        "its tier always decides first.",
        hint="Delete the rule, or move it (lower priority number, or earlier in the list).",
        explanation="In a tier, policies are evaluated by priority (lowest number first) and "
        "rules in order; the first matching rule decides. A rule whose pods, peers and ports "
        "an earlier rule covers never takes effect.",
    ),
    RuleInfo(
        id="tier-same-priority-conflict",
        severity="warning",
        description="Two policies of one tier share a priority and apply rules of different "
        "actions to the same pods.",
        hint="Give the policies distinct priorities.",
        explanation="The policy API lets an implementation apply either of two same-priority "
        "policies that match a connection; the outcome differs between CNIs. netfence "
        "evaluates them by kind and name and says so.",
    ),
    RuleInfo(
        id="tier-pass-to-nothing",
        severity="info",
        description="A Pass rule with no NetworkPolicy and no Baseline rule below it for its "
        "pods (or a Pass in the Baseline tier): it allows the traffic.",
        hint="Use Allow if allowing is meant; otherwise add the NetworkPolicy or Baseline rule "
        "that should decide.",
        explanation="Pass hands the decision to the next tier. When nothing below decides, "
        "the default applies and the traffic is allowed, which a reader of Pass rarely expects.",
    ),
    RuleInfo(
        id="baseline-allow-opens-namespaces",
        severity="warning",
        description="A Baseline Allow admits other namespaces on every port into namespaces "
        "that have no NetworkPolicy of their own.",
        hint="Restrict the peers or ports, or make the baseline a default deny.",
        explanation="The Baseline tier decides only for pods no NetworkPolicy isolates. An "
        "Allow from other namespaces there makes every new namespace reachable by default, "
        "the opposite of a default-deny baseline.",
    ),
    RuleInfo(
        id="calico-rule-shadowed",
        severity="warning",
        description="A Calico rule that an earlier rule of its policy or tier always decides "
        "first.",
        hint="Delete the rule, or move it (earlier in the list, or a lower policy order).",
        explanation="Calico evaluates the policies of a tier by order (then name) and their "
        "rules in order; the first matching Allow, Deny or Pass decides. A rule all of whose "
        "endpoints, peers, protocols and ports an earlier rule matches never takes effect.",
    ),
    RuleInfo(
        id="calico-pass-to-nothing",
        severity="info",
        description="A Calico Pass rule whose endpoints no later tier applies to: the profile "
        "allows the traffic.",
        hint="Use Allow if allowing is meant; otherwise add the lower-tier policy that should "
        "decide.",
        explanation="Pass skips to the next tier that has a policy applying to the endpoint. "
        "When there is none, the endpoint's profile decides, and Kubernetes workloads' "
        "profiles allow: the Pass allows, which a reader of Pass rarely expects.",
    ),
    RuleInfo(
        id="calico-tier-denies-unplanned",
        severity="warning",
        description="A Calico tier selects endpoints none of its rules speaks of: the end of "
        "the tier denies all their traffic.",
        hint="Narrow the policies' selectors, add the rules those endpoints need, or end the "
        "tier with an explicit Pass (or defaultAction: Pass).",
        explanation="A tier that applies to an endpoint and takes no action on a packet drops "
        "it (unless its defaultAction is Pass). A broad selector (all(), a namespace) with "
        "rules written for a few workloads therefore cuts off every other selected endpoint. "
        "A policy without rules in a direction is read as a deliberate deny and not reported.",
    ),
    RuleInfo(
        id="calico-order-overlap",
        severity="warning",
        description="Two Calico tiers, or two policies of one tier applying to common "
        "endpoints with different actions, share an order.",
        hint="Give them distinct orders.",
        explanation="Calico breaks ties of order by name, so renaming a policy or tier "
        "changes which decides. The intended order should be written in the orders.",
    ),
    RuleInfo(
        id="cilium-fqdn-without-dns-visibility",
        severity="warning",
        description="A Cilium toFQDNs rule for endpoints whose DNS lookups of the name no DNS "
        "rule lets Cilium's proxy see: it allows nothing.",
        hint="Add a DNS rule to the egress allow to kube-dns: toPorts [{ports: [{port: '53', "
        "protocol: ANY}], rules: {dns: [{matchPattern: '*'}]}}].",
        explanation="Cilium learns the addresses behind a name from the lookups its DNS proxy "
        "sees, and only lookups that a toPorts rules.dns section covers go through the proxy. "
        "Without one, the name's addresses are never learnt and the toFQDNs rule matches no "
        "packet.",
    ),
    RuleInfo(
        id="cilium-dns-to-world",
        severity="warning",
        description="DNS (port 53) is allowed to the world entity, a /0 CIDR or every peer "
        "instead of to kube-dns.",
        hint="Allow port 53 to the kube-dns pods (k8s:k8s-app: kube-dns in kube-system) only.",
        explanation="Lookups sent straight to outside resolvers bypass the cluster's DNS and "
        "Cilium's DNS proxy (so toFQDNs rules learn nothing from them), and a DNS channel to "
        "any address is a classic way to tunnel data out.",
    ),
    RuleInfo(
        id="cilium-fqdn-pattern-too-wide",
        severity="warning",
        description="A toFQDNs matchPattern that matches every name ('*') or every name of a "
        "top-level domain ('*.com').",
        hint="Name the services the workload calls (matchName: api.openai.com) or a pattern "
        "under the provider's own domain (*.githubusercontent.com).",
        explanation="FQDN egress is only as narrow as its patterns: '*' is the whole internet "
        "by name, and '*.com' nearly so; an attacker controls plenty of names under both.",
    ),
    RuleInfo(
        id="cilium-agent-any-fqdn",
        severity="error",
        description="An AI agent may reach every DNS name (toFQDNs matchPattern '*').",
        hint="List the tool APIs the agent calls by name (matchName) or by the provider's "
        "domain; keep everything else blocked.",
        explanation="Agents act on untrusted input (prompts, tool results): one with egress to "
        "any name can be talked into sending what it holds anywhere. Tool access is what the "
        "FQDN list is for.",
        needs_roles=True,
    ),
    RuleInfo(
        id="cilium-world-egress",
        severity="error",
        description="A Cilium egress allow to the whole outside (world, all, or a /0 CIDR) "
        "from inference or model storage.",
        hint="Remove the rule; allow the few outside services these workloads need by name "
        "(toFQDNs) or by their CIDRs.",
        explanation="Model weights live in model storage and inference servers; egress to "
        "the internet from either is the exfiltration path zero trust exists to close.",
        needs_roles=True,
    ),
    RuleInfo(
        id="cilium-l7-rule-moot",
        severity="warning",
        description="L7 rules (http, kafka) on a port that another allow, without L7 rules, "
        "opens to the same peers: they restrict nothing.",
        hint="Remove the L4-only allow for that port, or narrow its peers, so the L7 rules decide.",
        explanation="Cilium allows a connection when any rule allows it: an L4 allow of the "
        "same peer and port lets every request through, whatever the L7 rules say.",
    ),
    RuleInfo(
        id="cilium-mixed-with-networkpolicy",
        severity="info",
        description="Endpoints that a Cilium policy and Kubernetes NetworkPolicies both allow "
        "traffic for in one direction.",
        hint="Keep one kind of policy per workload and direction, or review the union: each "
        "kind's allows add to the other's.",
        explanation="Cilium enforces Kubernetes NetworkPolicies and its own together: a "
        "connection either allows is allowed (only Cilium's deny rules win). Reviewers of one "
        "kind alone see less than what is open.",
    ),
    RuleInfo(
        id="policy-kind-not-evaluated",
        severity="warning",
        description="Objects of a policy-like kind netfence does not evaluate are in the input.",
        hint="Check what they allow or deny by hand (or with the CNI's own tools); express the "
        "isolation that must be proven as Kubernetes NetworkPolicy.",
        explanation="Antrea's ClusterNetworkPolicy, "
        "Istio's AuthorizationPolicy and similar kinds can deny what NetworkPolicies allow, "
        "or allow what they would deny. netfence reads them but evaluates only Kubernetes "
        "NetworkPolicy, the SIG Network tiers, Calico's and Cilium's policies, so its "
        "verdicts, findings and proofs do not take them into account.",
    ),
)

RULES_BY_ID: dict[str, RuleInfo] = {rule.id: rule for rule in RULES}


def rule_info(rule_id: str) -> RuleInfo:
    """The catalogue entry of ``rule_id`` (KeyError for an unknown id)."""
    return RULES_BY_ID[rule_id]


def found(
    rule_id: str,
    *,
    message: str,
    obj: str,
    source: Source | None,
    snippet: str | None = None,
    severity: Severity | None = None,
    hint: str | None = None,
) -> Finding:
    """A finding of a catalogued rule, with the rule's severity and fix: its hint (or ``hint``
    when one fitted to the case is given) followed by its own snippet, or by ``snippet``."""
    info = rule_info(rule_id)
    snippet = info.snippet if snippet is None else snippet
    fix = (info.hint if hint is None else hint) + ("\n" + snippet if snippet else "")
    return Finding(rule_id, severity or info.severity, message, obj, source, fix)
