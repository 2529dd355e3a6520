"""netfence: set up and prove zero-trust NetworkPolicy isolation for AI workloads.

The library behind the ``netfence`` command::

    import netfence

    inputs = netfence.load(["manifests/"])  # or "builtin:ai-mesh", a blueprint file, "-"
    report = netfence.lint(inputs, netfence.LintOptions())
    verdict = netfence.explain(inputs, "ai-agents/agent", "ai-data/qdrant", 6333)

``load`` raises ``InputError`` (its ``problems`` name file, line and field) on bad input;
``Engine`` answers every connectivity question of a model; options are objects.
"""

from netfence.api import analyze, diff, explain, lint, load, plan
from netfence.blueprint import Blueprint, Plan
from netfence.diff import DiffResult
from netfence.engine import Engine, EngineOptions, Verdict
from netfence.engine.analysis import Analysis
from netfence.inputs import InputOptions, Inputs
from netfence.lint import LintOptions, LintReport
from netfence.model import Cluster
from netfence.problems import InputError, Problem
from netfence.vocabulary import VERSION

__version__ = VERSION

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
