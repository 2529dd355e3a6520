"""Texts parsed once per command: a text read again (the same workloads file on both sides
of a diff) gives the documents parsed the first time, under its own file name."""

from __future__ import annotations

from dataclasses import replace

from netfence.load.document import Document
from netfence.load.yamlread import Limits, read_stream
from netfence.problems import Problem

Parsed = tuple[list[Document], list[Problem]]


class ParsedTexts:
    """``read_stream`` results by text, for one command's inputs. Keyed by the default
    namespace too: loading fills missing namespaces into the documents' data in place."""

    def __init__(self) -> None:
        self._parsed: dict[tuple[str, str, Limits], tuple[str, Parsed]] = {}

    def read(self, text: str, file: str, namespace: str, limits: Limits) -> Parsed:
        """The documents and problems of ``text`` read from ``file``."""
        key = (text, namespace, limits)
        if key not in self._parsed:
            self._parsed[key] = (file, read_stream(text, file, limits))
            return self._parsed[key][1]
        first, (documents, problems) = self._parsed[key]
        if first == file:
            return list(documents), list(problems)
        return (
            [replace(d, source=replace(d.source, file=file)) for d in documents],
            [replace(p, source=replace(p.source, file=file)) for p in problems],
        )
