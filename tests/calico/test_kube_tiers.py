"""The SIG Network tier kinds inside Calico's tier order, as Calico's docs place them:
AdminNetworkPolicy in tier adminnetworkpolicy (order 1000) at its priority, the
BaselineAdminNetworkPolicy in tier baselineadminnetworkpolicy (order 10,000,000) at order
1000, ClusterNetworkPolicy in kube-admin / kube-baseline; those tiers pass by default."""

from __future__ import annotations

from pathlib import Path

from netfence.engine import Engine
from tests.calico.test_semantics import engine, gnp, tier

ANP_ALLOW_DB = """\
apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: admin-db}
spec:
  priority: 10
  subject: {pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: db}}}}
  ingress:
  - name: web
    action: ACTION
    from: [{pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: web}}}}]
---
"""
BANP_DENY_DB = """\
apiVersion: policy.networking.k8s.io/v1alpha1
kind: BaselineAdminNetworkPolicy
metadata: {name: default}
spec:
  subject: {pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: db}}}}
  ingress:
  - {name: all, action: ACTION, from: [{namespaces: {}}]}
---
"""
CNP_ADMIN = """\
apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: {name: cnp-db}
spec:
  tier: Admin
  priority: 10
  subject: {pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: db}}}}
  ingress:
  - name: web
    action: ACTION
    from: [{pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: web}}}}]
---
"""


def anp(action: str) -> str:
    return ANP_ALLOW_DB.replace("ACTION", action)


def banp(action: str) -> str:
    return BANP_DENY_DB.replace("ACTION", action)


def calico_db(name: str, action: str, tier_name: str, order: int) -> str:
    return gnp(
        name,
        f"tier: {tier_name}\norder: {order}\nselector: app == 'db'\n"
        f"ingress: [{{action: {action}}}]",
    )


def both(e: Engine, src: str, dst: str, port: int = 5432) -> bool:
    """The per-pair verdict, checked against the matrix cell."""
    verdict = e.verdict(src, dst, port).allowed
    assert e.matrix(port, "TCP").cell(src, dst) == verdict
    return verdict


def test_calico_tiers_below_1000_run_before_the_admin_tier(tmp_path: Path) -> None:
    first = tier("early", "500") + calico_db("early.deny", "Deny", "early", 1)
    assert not both(engine(tmp_path, anp("Allow") + first), "shop/web", "shop/db")
    later = tier("late", "2000") + calico_db("late.deny", "Deny", "late", 1)
    assert both(engine(tmp_path, anp("Allow") + later), "shop/web", "shop/db")


def test_admin_pass_goes_to_the_next_calico_tier_not_to_the_networkpolicies(
    tmp_path: Path,
) -> None:
    middle = tier("middle", "2000") + calico_db("middle.deny", "Deny", "middle", 1)
    e = engine(tmp_path, anp("Pass") + middle)
    assert not both(e, "shop/web", "shop/db")
    decided = e.verdict("shop/web", "shop/db", 5432).ingress
    assert decided.decided_by is not None and decided.decided_by.tier == "middle"
    assert decided.passed_by is not None
    assert decided.passed_by.policy == "AdminNetworkPolicy/admin-db"


def test_calico_policies_in_the_admin_tier_are_ordered_with_the_priorities(
    tmp_path: Path,
) -> None:
    before = calico_db("adminnetworkpolicy.first", "Deny", "adminnetworkpolicy", 5)
    assert not both(engine(tmp_path, anp("Allow") + before), "shop/web", "shop/db")
    after = calico_db("adminnetworkpolicy.after", "Deny", "adminnetworkpolicy", 20)
    assert both(engine(tmp_path, anp("Allow") + after), "shop/web", "shop/db")


def test_baseline_runs_after_the_default_tier_when_earlier_tiers_pass(tmp_path: Path) -> None:
    passing = tier("platform", "100") + gnp(
        "platform.pass", "tier: platform\nselector: app == 'db'\ningress: [{action: Pass}]"
    )
    e = engine(tmp_path, passing + banp("Deny"))
    assert not both(e, "shop/web", "shop/db")
    side = e.verdict("shop/web", "shop/db", 5432).ingress
    assert side.decided_by is not None and side.decided_by.tier == "Baseline"


def test_default_tier_decides_before_baseline_and_later_tiers_after_it(tmp_path: Path) -> None:
    default = calico_db("allow-db", "Allow", "default", 1)
    assert both(engine(tmp_path, default + banp("Deny")), "shop/web", "shop/db")
    last = tier("last", "20000000") + calico_db("last.deny", "Deny", "last", 1)
    assert both(engine(tmp_path, banp("Allow") + last), "shop/web", "shop/db")
    assert not both(engine(tmp_path, last), "shop/web", "shop/db")


def test_baseline_policy_sits_at_order_1000_of_its_tier(tmp_path: Path) -> None:
    early = calico_db("baselineadminnetworkpolicy.early", "Allow", "baselineadminnetworkpolicy", 5)
    assert both(engine(tmp_path, banp("Deny") + early), "shop/web", "shop/db")
    late = calico_db("baselineadminnetworkpolicy.late", "Allow", "baselineadminnetworkpolicy", 2000)
    assert not both(engine(tmp_path, banp("Deny") + late), "shop/web", "shop/db")


def test_cluster_network_policy_sits_in_kube_admin(tmp_path: Path) -> None:
    cnp = CNP_ADMIN.replace("ACTION", "Deny")
    e = engine(tmp_path, cnp + tier("late", "2000") + calico_db("late.allow", "Allow", "late", 1))
    assert not both(e, "shop/web", "shop/db")
    assert both(e, "lab/probe", "shop/db")
    early = tier("early", "999") + calico_db("early.allow", "Allow", "early", 1)
    assert both(engine(tmp_path, cnp + early), "shop/web", "shop/db")
