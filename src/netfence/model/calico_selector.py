"""Calico's selector language: a tokenizer, a parser and the expressions it builds.

Grammar (lowest precedence first, as Calico documents it)::

    or    := and ('||' and)*
    and   := unary ('&&' unary)*
    unary := '!' unary | '(' or ')' | match
    match := 'all()' | 'global()' | 'has(' key ')'
           | key ('==' | '!=') string | key ['not'] 'in' '{' [string (',' string)*] '}'
           | key ('contains' | 'starts with' | 'ends with') string

An empty selector matches everything (as ``all()``). String literals are single- or
double-quoted, without escapes. ``global()`` matches only non-namespaced resources: callers
say whether the labels they test belong to one.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass

_KEY = re.compile(r"[a-zA-Z0-9_./-]+")
_SPACE = re.compile(r"\s*")


class SelectorSyntaxError(ValueError):
    """A selector that does not parse; ``position`` is the offending character's index."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(f"{message} at position {position}")
        self.position = position


@dataclass(frozen=True)
class Expr(ABC):
    """A selector expression."""

    @abstractmethod
    def matches(self, labels: Mapping[str, str], is_global: bool = False) -> bool:
        """Whether a resource with ``labels`` (non-namespaced: ``is_global``) is selected."""

    def uses_global(self) -> bool:
        return False


@dataclass(frozen=True)
class All(Expr):
    def matches(self, labels: Mapping[str, str], is_global: bool = False) -> bool:
        return True

    def __str__(self) -> str:
        return "all()"


@dataclass(frozen=True)
class Global(Expr):
    def matches(self, labels: Mapping[str, str], is_global: bool = False) -> bool:
        return is_global

    def uses_global(self) -> bool:
        return True

    def __str__(self) -> str:
        return "global()"


@dataclass(frozen=True)
class Has(Expr):
    key: str

    def matches(self, labels: Mapping[str, str], is_global: bool = False) -> bool:
        return self.key in labels

    def __str__(self) -> str:
        return f"has({self.key})"


@dataclass(frozen=True)
class Compare(Expr):
    """``key OP 'value'`` for ==, !=, contains, starts with, ends with."""

    key: str
    op: str
    value: str

    def matches(self, labels: Mapping[str, str], is_global: bool = False) -> bool:
        actual = labels.get(self.key)
        if self.op == "!=":
            return actual != self.value
        if actual is None:
            return False
        if self.op == "==":
            return actual == self.value
        if self.op == "contains":
            return self.value in actual
        if self.op == "starts with":
            return actual.startswith(self.value)
        return actual.endswith(self.value)

    def __str__(self) -> str:
        return f"{self.key} {self.op} '{self.value}'"


@dataclass(frozen=True)
class InSet(Expr):
    """``key in {...}`` or, with ``negated``, ``key not in {...}``."""

    key: str
    values: frozenset[str]
    negated: bool = False

    def matches(self, labels: Mapping[str, str], is_global: bool = False) -> bool:
        inside = self.key in labels and labels[self.key] in self.values
        return not inside if self.negated else inside

    def __str__(self) -> str:
        values = ", ".join(f"'{v}'" for v in sorted(self.values))
        return f"{self.key} {'not in' if self.negated else 'in'} {{{values}}}"


@dataclass(frozen=True)
class Not(Expr):
    operand: Expr

    def matches(self, labels: Mapping[str, str], is_global: bool = False) -> bool:
        return not self.operand.matches(labels, is_global)

    def uses_global(self) -> bool:
        return self.operand.uses_global()

    def __str__(self) -> str:
        return f"!({self.operand})"


@dataclass(frozen=True)
class And(Expr):
    left: Expr
    right: Expr

    def matches(self, labels: Mapping[str, str], is_global: bool = False) -> bool:
        return self.left.matches(labels, is_global) and self.right.matches(labels, is_global)

    def uses_global(self) -> bool:
        return self.left.uses_global() or self.right.uses_global()

    def __str__(self) -> str:
        return f"({self.left} && {self.right})"


@dataclass(frozen=True)
class Or(Expr):
    left: Expr
    right: Expr

    def matches(self, labels: Mapping[str, str], is_global: bool = False) -> bool:
        return self.left.matches(labels, is_global) or self.right.matches(labels, is_global)

    def uses_global(self) -> bool:
        return self.left.uses_global() or self.right.uses_global()

    def __str__(self) -> str:
        return f"({self.left} || {self.right})"


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def skip(self) -> None:
        match = _SPACE.match(self.text, self.pos)
        self.pos = match.end() if match else self.pos

    def peek(self, literal: str) -> bool:
        self.skip()
        return self.text.startswith(literal, self.pos)

    def take(self, literal: str) -> bool:
        if self.peek(literal):
            self.pos += len(literal)
            return True
        return False

    def word(self, phrase: str) -> bool:
        """A keyword (``in``, ``not in``, ``starts with``...) not followed by a key character."""
        self.skip()
        parts = phrase.split()
        pattern = r"\s+".join(re.escape(p) for p in parts) + r"(?![a-zA-Z0-9_./-])"
        match = re.compile(pattern).match(self.text, self.pos)
        if match is None:
            return False
        self.pos = match.end()
        return True

    def expect(self, literal: str) -> None:
        if not self.take(literal):
            raise SelectorSyntaxError(f"expected {literal!r}", self.pos)

    def key(self) -> str:
        self.skip()
        match = _KEY.match(self.text, self.pos)
        if match is None:
            raise SelectorSyntaxError("expected a label name", self.pos)
        self.pos = match.end()
        return match.group()

    def string(self) -> str:
        self.skip()
        quote = self.text[self.pos : self.pos + 1]
        if quote not in ("'", '"'):
            raise SelectorSyntaxError("expected a quoted string", self.pos)
        end = self.text.find(quote, self.pos + 1)
        if end < 0:
            raise SelectorSyntaxError("unterminated string", self.pos)
        value = self.text[self.pos + 1 : end]
        self.pos = end + 1
        return value

    def parse_or(self) -> Expr:
        expr = self.parse_and()
        while self.take("||"):
            expr = Or(expr, self.parse_and())
        return expr

    def parse_and(self) -> Expr:
        expr = self.parse_unary()
        while self.take("&&"):
            expr = And(expr, self.parse_unary())
        return expr

    def parse_unary(self) -> Expr:
        if self.take("!"):
            return Not(self.parse_unary())
        if self.take("("):
            inner = self.parse_or()
            self.expect(")")
            return inner
        return self.parse_match()

    def parse_match(self) -> Expr:
        for name, node in (("all", All()), ("global", Global())):
            if self.word_call(name):
                self.expect(")")
                return node
        if self.word_call("has"):
            key = self.key()
            self.expect(")")
            return Has(key)
        key = self.key()
        if self.take("=="):
            return Compare(key, "==", self.string())
        if self.take("!="):
            return Compare(key, "!=", self.string())
        if self.word("not in"):
            return InSet(key, self.values(), negated=True)
        if self.word("in"):
            return InSet(key, self.values())
        for op in ("contains", "starts with", "ends with"):
            if self.word(op):
                return Compare(key, op, self.string())
        raise SelectorSyntaxError(f"expected an operator after {key!r}", self.pos)

    def word_call(self, name: str) -> bool:
        """``name(`` with optional space before the parenthesis."""
        self.skip()
        match = re.compile(re.escape(name) + r"\s*\(").match(self.text, self.pos)
        if match is None:
            return False
        self.pos = match.end()
        return True

    def values(self) -> frozenset[str]:
        self.expect("{")
        found: list[str] = []
        if not self.take("}"):
            found.append(self.string())
            while self.take(","):
                found.append(self.string())
            self.expect("}")
        return frozenset(found)


def parse(text: str) -> Expr:
    """The expression of ``text`` (blank: ``all()``); SelectorSyntaxError when invalid."""
    if not text.strip():
        return All()
    parser = _Parser(text)
    expr = parser.parse_or()
    parser.skip()
    if parser.pos != len(text):
        raise SelectorSyntaxError("unexpected characters", parser.pos)
    return expr


def selector_error(text: str) -> str | None:
    """Why ``text`` is not a valid selector, or None."""
    try:
        parse(text)
    except SelectorSyntaxError as error:
        return str(error)
    return None
