"""Blueprints: the declarative AI-mesh description, its built-ins, manifests and proof."""

from netfence.blueprint.builtins import TEMPLATES, builtin, template_text
from netfence.blueprint.generate import Generated, generate
from netfence.blueprint.intents import Intent, expected_flows, roles
from netfence.blueprint.loading import load_blueprint, parse_blueprint
from netfence.blueprint.plan import Plan, make_plan
from netfence.blueprint.prove import Cell, Proof, prove
from netfence.blueprint.schema import Blueprint
from netfence.blueprint.synthesize import synthesize

__all__ = [
    "TEMPLATES",
    "Blueprint",
    "Cell",
    "Generated",
    "Intent",
    "Plan",
    "Proof",
    "builtin",
    "expected_flows",
    "generate",
    "load_blueprint",
    "make_plan",
    "parse_blueprint",
    "prove",
    "roles",
    "synthesize",
    "template_text",
]
