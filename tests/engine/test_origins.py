"""External ranges are named after the narrowest policy ipBlock that holds them."""

from __future__ import annotations

from pathlib import Path

from netfence.engine import Engine
from netfence.inputs import read_inputs
from tests.conftest import EXAMPLES


def test_guide_ranges_name_their_policy_or_no_ipblock() -> None:
    engine = Engine(read_inputs([str(EXAMPLES / "guide-literal")]).cluster)
    origins = {x.id: x.origin for x in engine.externals}
    assert origins["ext:10.0.0.0/8-except-10.0.0.0/28"] == (
        "allow-to-tools: 10.0.0.0/8 except 10.0.0.0/28"
    )
    assert origins["ext:::/0"] == "IPv6 in no ipBlock"


def test_the_narrowest_block_wins_and_policies_sharing_it_are_listed(tmp_path: Path) -> None:
    policy = """
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: {name}, namespace: a}}
spec:
  podSelector: {{}}
  egress: [{{to: [{{ipBlock: {{cidr: {cidr}}}}}]}}]
"""
    (tmp_path / "p.yaml").write_text(
        "---".join(
            policy.format(name=n, cidr=c)
            for n, c in (("wide", "10.0.0.0/8"), ("narrow", "10.1.0.0/16"), ("also", "10.1.0.0/16"))
        )
    )
    engine = Engine(read_inputs([str(tmp_path)]).cluster)
    origins = {str(x.cidrs[0]): x.origin for x in engine.externals}
    assert origins["10.1.0.0/16"] == "also, narrow: 10.1.0.0/16"
    assert any(o == "wide: 10.0.0.0/8" for o in origins.values())
