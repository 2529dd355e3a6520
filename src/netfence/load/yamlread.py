"""Safe YAML/JSON reading from libyaml events, with positions and hard limits.

The tree is built here from parser events, not by PyYAML's composer, so that nesting
depth, alias expansion and duplicate keys are checked while reading (the C composer
recurses and can crash on deep input). Plain scalars are resolved the way kubectl's
YAML library (go-yaml v2 behind sigs.k8s.io/yaml) resolves them: ``1:20`` is a string,
``yes`` is true, ``0x1F`` is 31.
"""

from __future__ import annotations

import json
import math
import re
import sys
from dataclasses import dataclass, field
from typing import Any

import yaml

from netfence.load.document import Document, Path
from netfence.problems import Problem, Source

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Limits:
    """Limits enforced before any object reaches the rest of netfence."""

    max_bytes: int = 50 * 1024 * 1024
    max_depth: int = 100
    max_alias_nodes: int = 100_000
    max_documents: int = 100_000

    @classmethod
    def of_size(cls, max_bytes: int) -> Limits:
        """The default limits for files of up to ``max_bytes`` (``--max-bytes``): as many
        documents per byte as the defaults allow, and never fewer documents than they do."""
        base = cls()
        documents = max(base.max_documents, base.max_documents * max_bytes // base.max_bytes)
        return cls(max_bytes=max_bytes, max_documents=documents)


class ReadError(Exception):
    """A problem that stops reading the rest of a stream, at a 1-based line."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


_NULLS = {"", "~", "null", "Null", "NULL"}
_TRUES = {"y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "true", "True", "TRUE"}
_FALSES = {"n", "N", "no", "No", "NO", "off", "Off", "OFF", "false", "False", "FALSE"}
_INFS = {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"}
_NEG_INFS = {"-.inf", "-.Inf", "-.INF"}
_NANS = {".nan", ".NaN", ".NAN"}
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_GO_INT = re.compile(r"^[-+]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$")


def resolve_plain(text: str) -> Any:
    """Resolve an untagged plain scalar as go-yaml v2 does."""
    if text in _NULLS:
        return None
    if text in _TRUES:
        return True
    if text in _FALSES:
        return False
    if text in _INFS:
        return math.inf
    if text in _NEG_INFS:
        return -math.inf
    if text in _NANS:
        return math.nan
    if text and (text[0].isdigit() or text[0] in "+-."):
        plain = text.replace("_", "")
        if _GO_INT.match(plain):
            return _go_int(plain)
        if _FLOAT.match(plain):
            value = float(plain)
            return (
                int(value)
                if value.is_integer() and "." not in plain and "e" not in plain.lower()
                else value
            )
    return text


class NumberTooLongError(ValueError):
    """An integer literal past what Python converts (``sys.get_int_max_str_digits``)."""

    def __init__(self, digits: int) -> None:
        super().__init__(f"integer of {digits} digits is too long")
        self.digits = digits


def _go_int(plain: str) -> int:
    sign = -1 if plain.startswith("-") else 1
    digits = plain.lstrip("+-")
    limit = sys.get_int_max_str_digits() or 4300
    if len(digits) > limit:
        raise NumberTooLongError(len(digits))
    value = sign * _unsigned(digits)
    if value.bit_length() * 3 > limit * 9:  # more decimal digits than str() converts
        prefixed = digits[:2].lower() in ("0x", "0o", "0b")
        raise NumberTooLongError(len(digits) - 2 * prefixed)
    return value


def _unsigned(digits: str) -> int:
    lowered = digits.lower()
    if lowered.startswith("0x"):
        return int(digits[2:], 16)
    if lowered.startswith("0o"):
        return int(digits[2:], 8)
    if lowered.startswith("0b"):
        return int(digits[2:], 2)
    if len(digits) > 1 and digits.startswith("0"):
        return int(digits, 8)
    return int(digits)


def _scalar(event: Any) -> Any:
    tag = event.tag
    value: str = event.value
    plain_implicit = event.implicit[0]
    if tag is None and plain_implicit and not event.style:
        return resolve_plain(value)
    if tag in (None, "!", "tag:yaml.org,2002:str"):
        return value
    resolved = resolve_plain(value)
    expected: Any = {
        "tag:yaml.org,2002:int": int,
        "tag:yaml.org,2002:float": (int, float),
        "tag:yaml.org,2002:bool": bool,
        "tag:yaml.org,2002:null": type(None),
    }.get(tag)
    if expected is None:
        return value
    if isinstance(resolved, expected) and not (expected is int and isinstance(resolved, bool)):
        return resolved
    raise ReadError(
        event.start_mark.line + 1, f"cannot decode {value!r} as {tag.rsplit(':', 1)[-1]}"
    )


def _key_text(key: Any, line: int) -> str:
    """Mapping keys become strings, as in the YAML-to-JSON conversion kubectl does."""
    if isinstance(key, (dict, list)):
        raise ReadError(line, "mapping keys must be scalars")
    if key is None:
        return "null"
    if isinstance(key, bool):
        return "true" if key else "false"
    if isinstance(key, float) and key.is_integer():
        return str(int(key))
    return str(key)


@dataclass
class _Frame:
    container: dict[str, Any] | list[Any]
    path: Path
    anchor: str | None
    line: int
    nodes: int = 1
    key: Any = None
    has_key: bool = False
    key_is_merge: bool = False
    explicit: set[str] = field(default_factory=set)
    merges: list[dict[str, Any]] = field(default_factory=list)


class _Builder:
    """Turns the events of one stream into Documents."""

    def __init__(self, text: str, file: str, limits: Limits) -> None:
        self.text = text
        self.file = file
        self.limits = limits
        self.docs: list[Document] = []
        self.problems: list[Problem] = []
        self.doc_index = -1
        self.reset()

    def reset(self) -> None:
        self.stack: list[_Frame] = []
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.lines: dict[Path, int] = {}
        self.alias_nodes = 0
        self.root: Any = None
        self.root_line = 1
        self.doc_refused = False
        self.json_root_start: int | None = None

    def child_path(self) -> Path:
        top = self.stack[-1]
        if isinstance(top.container, list):
            return (*top.path, len(top.container))
        return (*top.path, top.key)

    def attach(self, value: Any, nodes: int, line: int) -> None:
        if not self.stack:
            self.root = value
            return
        top = self.stack[-1]
        top.nodes += nodes
        if isinstance(top.container, list):
            top.container.append(value)
            return
        if not top.has_key:
            if top.nodes - nodes > 0 and isinstance(value, (dict, list)):
                raise ReadError(line, "mapping keys must be scalars")
            top.key = _key_text(value, line)
            top.has_key = True
            return
        top.has_key = False
        if top.key_is_merge:
            top.key_is_merge = False
            self.merge(top, value, line)
            return
        top.container[top.key] = value

    def merge(self, frame: _Frame, value: Any, line: int) -> None:
        sources = value if isinstance(value, list) else [value]
        for source in sources:
            if not isinstance(source, dict):
                raise ReadError(line, "merge key '<<' needs a mapping or a list of mappings")
            frame.merges.append(source)

    def on_key_scalar(self, event: Any) -> bool:
        """Handle a scalar in key position; True when it was a key."""
        top = self.stack[-1] if self.stack else None
        if top is None or isinstance(top.container, list) or top.has_key:
            return False
        line = event.start_mark.line + 1
        if event.value == "<<" and event.implicit[0] and not event.style:
            top.key_is_merge = True
            top.has_key = True
            top.key = "<<"
            return True
        key = _key_text(self.value(event), line)
        if key in top.explicit:
            # Only this document is refused: its neighbours are read as usual.
            message = f"duplicate key {key!r} in mapping {_dotted(top.path)}"
            self.problems.append(Problem(Source(self.file, max(self.doc_index, 0), line), message))
            self.doc_refused = True
        top.explicit.add(key)
        top.key = key
        top.has_key = True
        self.lines[(*top.path, key)] = line
        return True

    def start(self, container: dict[str, Any] | list[Any], event: Any) -> None:
        line = event.start_mark.line + 1
        if len(self.stack) >= self.limits.max_depth:
            raise ReadError(line, f"nesting deeper than {self.limits.max_depth} levels")
        if self.stack and isinstance(self.stack[-1].container, dict) and not self.stack[-1].has_key:
            raise ReadError(line, "mapping keys must be scalars")
        path: Path = self.child_path() if self.stack else ()
        if self.stack and isinstance(self.stack[-1].container, list):
            self.lines[path] = line
        if not self.stack:
            self.root_line = line
            if isinstance(container, dict) and event.flow_style:
                self.json_root_start = event.start_mark.index
        self.stack.append(_Frame(container, path, event.anchor, line))

    def end(self, event: Any) -> None:
        frame = self.stack.pop()
        if not self.stack and self.json_root_start is not None:
            self.check_json(self.json_root_start, event.end_mark.index)
        if isinstance(frame.container, dict) and frame.merges:
            merged: dict[str, Any] = {}
            for source in frame.merges:
                for key, value in source.items():
                    merged.setdefault(key, value)
            merged.update(frame.container)
            frame.container.clear()
            frame.container.update(merged)
        if frame.anchor:
            self.anchors[frame.anchor] = (frame.container, frame.nodes)
        self.attach(frame.container, frame.nodes, frame.line)

    def value(self, event: Any) -> Any:
        """The scalar's value; a number too long to convert ends the stream at its field."""
        try:
            return _scalar(event)
        except NumberTooLongError as err:
            field = _dotted(self.child_path()) if self.stack else "(document root)"
            raise ReadError(event.start_mark.line + 1, f"{field}: {err}") from None

    def scalar(self, event: Any) -> None:
        if self.on_key_scalar(event):
            return
        line = event.start_mark.line + 1
        if self.stack and isinstance(self.stack[-1].container, list):
            self.lines[self.child_path()] = line
        if not self.stack:
            self.root_line = line
        value = self.value(event)
        if event.anchor:
            self.anchors[event.anchor] = (value, 1)
        self.attach(value, 1, line)

    def alias(self, event: Any) -> None:
        line = event.start_mark.line + 1
        if event.anchor not in self.anchors:
            raise ReadError(line, f"unknown alias *{event.anchor}")
        value, nodes = self.anchors[event.anchor]
        self.alias_nodes += nodes
        if self.alias_nodes > self.limits.max_alias_nodes:
            raise ReadError(
                line,
                f"aliases expand to more than {self.limits.max_alias_nodes} nodes "
                "(refused: possible billion-laughs document)",
            )
        top = self.stack[-1] if self.stack else None
        if top is not None and isinstance(top.container, dict) and not top.has_key:
            raise ReadError(line, "aliases may not be used as mapping keys")
        if top is not None and isinstance(top.container, list):
            self.lines[self.child_path()] = line
        self.attach(value, nodes, line)

    def check_json(self, start: int, end: int) -> None:
        """A document written as ``{...}`` must be strict JSON: kubectl reads it as JSON.

        (YAML also accepts comments, trailing commas and unquoted strings there.)
        """
        try:
            json.loads(self.text[start:end], parse_int=str)
        except json.JSONDecodeError as err:
            line = self.text.count("\n", 0, start) + err.lineno
            message = f"JSON syntax error: {err.msg} (a document starting with '{{' is JSON)"
            self.problems.append(Problem(Source(self.file, max(self.doc_index, 0), line), message))
            self.doc_refused = True

    def end_document(self) -> None:
        source = Source(self.file, self.doc_index, self.root_line)
        if self.root is not None and not self.doc_refused:
            self.docs.append(Document(source, self.root, dict(self.lines)))
        self.reset()


def read_stream(text: str, file: str, limits: Limits) -> tuple[list[Document], list[Problem]]:
    """All documents of one YAML/JSON stream; a syntax or limit error ends the stream."""
    builder = _Builder(text, file, limits)
    try:
        events: Any = yaml.parse(text, Loader=_Loader)
        for event in events:
            kind = type(event)
            if kind is yaml.ScalarEvent:
                builder.scalar(event)
            elif kind is yaml.MappingStartEvent:
                builder.start({}, event)
            elif kind is yaml.SequenceStartEvent:
                builder.start([], event)
            elif kind in (yaml.MappingEndEvent, yaml.SequenceEndEvent):
                builder.end(event)
            elif kind is yaml.AliasEvent:
                builder.alias(event)
            elif kind is yaml.DocumentStartEvent:
                builder.doc_index += 1
                if builder.doc_index >= limits.max_documents:
                    raise ReadError(
                        event.start_mark.line + 1,
                        f"more than {limits.max_documents} documents in one stream",
                    )
                builder.root_line = event.start_mark.line + 1
            elif kind is yaml.DocumentEndEvent:
                builder.end_document()
    except ReadError as err:
        return builder.docs, [
            *builder.problems,
            Problem(Source(file, max(builder.doc_index, 0), err.line), err.message),
        ]
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = int(getattr(mark, "line", 0)) + 1
        what = err.problem or err.context or "invalid YAML"
        if _tab_at(text, mark):
            what += " (a tab: YAML indents with spaces only)"
        # Newer libyaml builds stop deep input themselves, at a depth above ours.
        message = (
            f"nesting deeper than {limits.max_depth} levels"
            if "nesting depth" in what
            else f"YAML syntax error: {what}"
        )
        return builder.docs, [
            *builder.problems,
            Problem(Source(file, max(builder.doc_index, 0), line), message),
        ]
    except yaml.YAMLError as err:
        return builder.docs, [
            *builder.problems,
            Problem(Source(file, max(builder.doc_index, 0), 1), f"YAML error: {err}"),
        ]
    return builder.docs, builder.problems


def _tab_at(text: str, mark: Any) -> bool:
    """Whether the syntax error points at a tab character."""
    index = getattr(mark, "index", None)
    return isinstance(index, int) and 0 <= index < len(text) and text[index] == "\t"


def _dotted(path: Path) -> str:
    from netfence.load.document import render_path

    return render_path(path) or "(document root)"
