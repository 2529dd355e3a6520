"""Many copies of one policy: each copy is redundant, found without asking the engine."""

from __future__ import annotations

import copy
from pathlib import Path

from netfence.lint import lint_cluster
from netfence.load import load_paths
from netfence.model import build_cluster

GUIDE = Path(__file__).resolve().parents[2] / "examples" / "guide-literal"


def test_identical_copies_are_each_redundant() -> None:
    docs = load_paths([str(GUIDE)]).documents
    policy = next(d for d in docs if d.kind == "NetworkPolicy" and d.name == "allow-from-gateway")
    copies = []
    for index in range(30):
        data = copy.deepcopy(policy.data)
        data["metadata"]["name"] = f"copy-{index}"
        copies.append(policy.item((), data))
    cluster = build_cluster([*docs, *copies])
    findings = [f for f in lint_cluster(cluster) if f.rule == "redundant-rule"]
    flagged = {f.obj for f in findings if "an identical policy remains" in f.message}
    assert flagged == {
        "NetworkPolicy/ai-inference/allow-from-gateway",
        *(f"NetworkPolicy/ai-inference/copy-{i}" for i in range(30)),
    }
