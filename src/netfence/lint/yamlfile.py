"""Reading a small YAML settings file (config, roles) with the loader's safety limits."""

from __future__ import annotations

from netfence.load import Document, Limits
from netfence.load.sources import read_text
from netfence.load.yamlread import read_stream
from netfence.problems import InputError, Problem, Source

SETTINGS_LIMITS = Limits(max_bytes=1024 * 1024, max_depth=20, max_alias_nodes=1000)


def read_mapping_file(path: str) -> Document:
    """The single YAML mapping in ``path``; InputError naming file and line otherwise."""
    text, problem = read_text(path, SETTINGS_LIMITS, size_option=None)
    if problem is not None or text is None:
        raise InputError([problem] if problem else [])
    docs, problems = read_stream(text, path, SETTINGS_LIMITS)
    if problems:
        raise InputError(problems)
    if not docs:
        return Document(Source(path, 0, 1), {}, {})
    if len(docs) > 1 or not isinstance(docs[0].data, dict):
        raise InputError([Problem(docs[0].source, "expected one YAML mapping")])
    return docs[0]


def problem_at(doc: Document, key: str, message: str) -> InputError:
    """An InputError at the line of top-level ``key`` of a settings file."""
    return InputError([Problem(doc.source_of((key,)), message, field=key)])
