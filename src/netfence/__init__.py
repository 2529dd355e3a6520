"""netfence: set up and prove zero-trust NetworkPolicy isolation for AI workloads.

The library behind the ``netfence`` command::

    import netfence

    inputs = netfence.load(["manifests/"])  # or "builtin:ai-mesh", a blueprint file, "-"
    report = netfence.lint(inputs, netfence.LintOptions())
    verdict = netfence.explain(inputs, "ai-agents/agent", "ai-data/qdrant", 6333)

``load`` raises ``InputError`` (its ``problems`` name file, line and field) on bad input;
``Engine`` answers every connectivity question of a model; options are objects.

The names below are imported when first used, so that ``python -m netfence.lab.daemon`` and
other entry points into a submodule do not pay for the whole library; ``load``, ``lint`` and
``diff`` are also the packages of those names (``netfence.lint.run`` stays a module).
"""

from __future__ import annotations

import importlib
import os
from typing import TYPE_CHECKING, Any

from netfence.vocabulary import VERSION

if TYPE_CHECKING:
    from netfence.api import analyze, diff, explain, lint, load, plan
    from netfence.blueprint import Blueprint, Plan
    from netfence.diff import DiffResult
    from netfence.engine import Engine, EngineOptions, Verdict
    from netfence.engine.analysis import Analysis
    from netfence.inputs import InputOptions, Inputs
    from netfence.lint import LintOptions, LintReport
    from netfence.model import Cluster
    from netfence.problems import InputError, Problem

__version__ = VERSION

# The engine's matrix products are many and small: BLAS worker threads cost more than they
# save (100x slower products measured on a busy 2-core machine). Only takes effect when numpy
# is first imported after netfence, as the ``netfence`` command does.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

# load, lint and diff are packages that, called, are the api's functions (callables.py).
PACKAGES = ("load", "lint", "diff")
_HOMES = {
    "analyze": "netfence.api",
    "explain": "netfence.api",
    "plan": "netfence.api",
    "Blueprint": "netfence.blueprint",
    "Plan": "netfence.blueprint",
    "DiffResult": "netfence.diff",
    "Engine": "netfence.engine",
    "EngineOptions": "netfence.engine",
    "Verdict": "netfence.engine",
    "Analysis": "netfence.engine.analysis",
    "InputOptions": "netfence.inputs",
    "Inputs": "netfence.inputs",
    "LintOptions": "netfence.lint",
    "LintReport": "netfence.lint",
    "Cluster": "netfence.model",
    "InputError": "netfence.problems",
    "Problem": "netfence.problems",
}

__all__ = [
    "Analysis",
    "Blueprint",
    "Cluster",
    "DiffResult",
    "Engine",
    "EngineOptions",
    "InputError",
    "InputOptions",
    "Inputs",
    "LintOptions",
    "LintReport",
    "Plan",
    "Problem",
    "Verdict",
    "__version__",
    "analyze",
    "diff",
    "explain",
    "lint",
    "load",
    "plan",
]


def __getattr__(name: str) -> Any:
    if name in PACKAGES:
        return importlib.import_module(f"netfence.{name}")
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'netfence' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES, *PACKAGES})
