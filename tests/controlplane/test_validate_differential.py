"""netfence validate and the real kube-apiserver accept and reject the same objects, naming the
same field paths: thousands of generated objects per kind, sent to a dry-run create."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.controlplane.differential import KINDS, compare, disagreements
from tests.controlplane.plane import ControlPlane
from tests.controlplane.seed import add_namespace

pytestmark = pytest.mark.controlplane

COUNT = 2500
SEED = 19
NAMESPACE = "validate-diff"
SHOWN = 12


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_validate_agrees_with_the_api_server(control_plane: ControlPlane, kind: str) -> None:
    add_namespace(control_plane, NAMESPACE)
    results = compare(control_plane, kind, KINDS[kind].generate(SEED, COUNT, NAMESPACE))
    verdicts = Counter("accepted" if server.accepted else "rejected" for _, _, server in results)
    # The generator must exercise both sides, or agreement proves little.
    assert verdicts["accepted"] > COUNT // 5 and verdicts["rejected"] > COUNT // 5, verdicts
    found = disagreements(results)
    shown = "\n".join(d.describe() for d in found[:SHOWN])
    assert not found, f"{len(found)} of {COUNT} {kind} objects disagree:\n{shown}"
