"""Reading a blueprint file: safe YAML with positions, then one line per mistake."""

from __future__ import annotations

import difflib
import re
from types import UnionType
from typing import Annotated, Any, BinaryIO, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from netfence.blueprint.checks import Issue, check_blueprint
from netfence.blueprint.dialects import Dialect, dialect_issues
from netfence.blueprint.schema import Blueprint
from netfence.load.document import Document, Path, render_path
from netfence.load.sources import read_text
from netfence.load.yamlread import Limits, read_stream
from netfence.problems import InputError, Problem, Source


def load_blueprint(
    path: str,
    limits: Limits | None = None,
    stdin: BinaryIO | None = None,
    dialect: Dialect = "kubernetes",
) -> Blueprint:
    """Read and check the blueprint in ``path`` (``-`` is stdin) for writing in ``dialect``;
    raises InputError naming file, line, field."""
    limits = limits or Limits()
    text, problem = read_text(path, limits, stdin, size_option=None)
    if problem is not None or text is None:
        raise InputError([problem] if problem else [])
    return parse_blueprint(text, path, limits, dialect)


def parse_blueprint(
    text: str, file: str, limits: Limits | None = None, dialect: Dialect = "kubernetes"
) -> Blueprint:
    """The blueprint in ``text`` (one YAML document); raises InputError."""
    docs, problems = read_stream(text, file, limits or Limits())
    if problems:
        raise InputError(problems)
    if len(docs) != 1:
        raise InputError(
            [Problem(Source(file, 0, 1), f"expected one YAML document, found {len(docs)}")]
        )
    doc = docs[0]
    if not isinstance(doc.data, dict):
        raise InputError(
            [Problem(doc.source, "a blueprint is a mapping with apiVersion, kind, metadata")]
        )
    try:
        blueprint = Blueprint.model_validate(doc.data)
    except ValidationError as err:
        raise InputError(_by_line([_problem(doc, e) for e in err.errors()])) from None
    issues = [*check_blueprint(blueprint), *dialect_issues(blueprint, dialect)]
    if issues:
        raise InputError(_by_line([_issue_problem(doc, issue) for issue in issues]))
    return blueprint


def _by_line(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: p.source.line)


def _issue_problem(doc: Document, issue: Issue) -> Problem:
    return Problem(doc.source_of(issue.path), issue.message, field=render_path(issue.path))


def _problem(doc: Document, error: ErrorDetails) -> Problem:
    path: Path = tuple(part for part in error["loc"] if part != "[key]")
    message = _message(error, path)
    return Problem(doc.source_of(path), message, field=render_path(path) or "(document)")


def _message(error: ErrorDetails, path: Path) -> str:
    kind = error["type"]
    value: Any = error.get("input")
    if kind == "value_error":
        return str(error["ctx"]["error"]) if "ctx" in error else error["msg"]
    if kind == "extra_forbidden":
        return f"unknown field ({_fields_hint(path)})"
    if kind == "missing":
        return "required field is missing"
    if kind == "string_type":
        return f"expected text, got {value!r} (quote it: '{value}')"
    if kind in ("bool_type", "bool_parsing"):
        return f"expected true or false, got {value!r}"
    if kind in ("dict_type", "model_type"):
        return f"expected a mapping, got {type(value).__name__}"
    if kind == "list_type":
        return f"expected a list, got {type(value).__name__}"
    if kind == "literal_error":
        choices = str(error.get("ctx", {}).get("expected", ""))
        close = difflib.get_close_matches(str(value), re.findall(r"'([^']*)'", choices), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return f"{value!r} is not one of {choices}{hint}"
    if kind == "too_short":
        return "must not be empty"
    return str(error["msg"])


def _fields_hint(path: Path) -> str:
    """Known field names at the parent of ``path``, and the closest one."""
    annotation: Any = Blueprint
    for part in path[:-1]:
        annotation = _child(annotation, part)
    model = _strip(annotation)
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        return "not a field of this blueprint format"
    names = sorted(info.alias or name for name, info in model.model_fields.items())
    close = difflib.get_close_matches(str(path[-1]), names, n=1)
    known = "known fields: " + ", ".join(names)
    return f"did you mean {close[0]!r}? {known}" if close else known


def _child(annotation: Any, part: str | int) -> Any:
    """The type found at ``part`` below ``annotation``: a model field, dict value or list item."""
    annotation = _strip(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        for name, info in annotation.model_fields.items():
            if part in (name, info.alias):
                return info.annotation
        return None
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is dict:
        return args[1]
    if origin is list:
        return args[0]
    return None


def _strip(annotation: Any) -> Any:
    """``X`` from ``Annotated[X, ...]`` and ``X | None``."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _strip(get_args(annotation)[0])
    if origin in (Union, UnionType):
        return _strip(next(a for a in get_args(annotation) if a is not type(None)))
    return annotation
