"""The built-in blueprints, shipped as editable YAML templates."""

from __future__ import annotations

from importlib.resources import files

from netfence.blueprint.dialects import Dialect
from netfence.blueprint.loading import parse_blueprint
from netfence.blueprint.schema import Blueprint

TEMPLATES = ("ai-mesh", "guide")
DEFAULT_TEMPLATE = "ai-mesh"


def template_text(name: str = DEFAULT_TEMPLATE) -> str:
    """The YAML text of a built-in template, comments included."""
    if name not in TEMPLATES:
        raise ValueError(f"unknown template {name!r} (choose from {', '.join(TEMPLATES)})")
    return files("netfence.blueprint").joinpath(f"templates/{name}.yaml").read_text("utf-8")


def builtin(name: str = DEFAULT_TEMPLATE, dialect: Dialect = "kubernetes") -> Blueprint:
    """A built-in blueprint: ``ai-mesh`` (the default) or ``guide``, checked for ``dialect``."""
    return parse_blueprint(template_text(name), f"<template {name}>", dialect=dialect)
