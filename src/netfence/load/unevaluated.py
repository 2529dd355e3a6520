"""Policy-like kinds netfence reads but does not evaluate: reported, never dropped in silence.

One entry per API group. When the engine learns a dialect, its kinds leave this table.
"""

from __future__ import annotations

from netfence.load.kinds import api_group

NOT_EVALUATED: dict[str, frozenset[str]] = {
    "projectcalico.org": frozenset(
        {"StagedNetworkPolicy", "StagedGlobalNetworkPolicy", "StagedKubernetesNetworkPolicy"}
    ),
    "crd.antrea.io": frozenset({"ClusterNetworkPolicy", "NetworkPolicy", "Tier", "ClusterGroup"}),
    "security.istio.io": frozenset({"AuthorizationPolicy", "PeerAuthentication"}),
    "policy.linkerd.io": frozenset({"AuthorizationPolicy", "ServerAuthorization"}),
    "consul.hashicorp.com": frozenset({"ServiceIntentions"}),
    "k8s.ovn.org": frozenset({"EgressFirewall"}),
    "network.openshift.io": frozenset({"EgressNetworkPolicy"}),
    "networking.gke.io": frozenset({"FQDNNetworkPolicy"}),
    "k8s.cni.cncf.io": frozenset({"MultiNetworkPolicy"}),
}
# Calico's CRDs are served under a second group with the same kinds.
NOT_EVALUATED["crd.projectcalico.org"] = NOT_EVALUATED["projectcalico.org"]


def is_not_evaluated(api_version: object, kind: object) -> bool:
    """Whether an object is of a policy-like kind that verdicts do not take into account."""
    if not (isinstance(api_version, str) and isinstance(kind, str)):
        return False
    return kind in NOT_EVALUATED.get(api_group(api_version), frozenset())
