"""Overlapping workload selectors are found through label indexes, exactly as the pairwise
definition says (one pod can carry both selectors' labels)."""

from __future__ import annotations

import itertools
import random

from netfence.blueprint.checks import _can_share_pods, _sharing_candidates
from netfence.blueprint.schema import Blueprint
from tests.blueprint.helpers import base


def test_candidates_match_every_pair_compared() -> None:
    rng = random.Random(20)
    data = base()
    workloads = {}
    for index in range(60):
        keys = rng.sample(["app", "tier", "team"], rng.randint(0, 2))
        workloads[f"w{index}"] = {
            "namespace": rng.choice(["web", "ml"]),
            "selector": {key: rng.choice(["a", "b"]) for key in keys},
            "ports": [80],
        }
    data["workloads"] = workloads
    blueprint = Blueprint.model_validate(data)  # the schema only: overlaps are the checks' job
    candidates = _sharing_candidates(blueprint)
    for a, b in itertools.permutations(blueprint.workloads, 2):
        expected = _can_share_pods(blueprint.workloads[a], blueprint.workloads[b])
        assert (b in candidates[a]) == expected, (a, b)
