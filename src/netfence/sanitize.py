"""One sanitiser for every input string netfence prints or writes as text.

Names, field paths, file names and descriptions come from input. Before they reach a
terminal, a log, a YAML comment, SARIF, Markdown, DOT, Mermaid or HTML, every control
character, escape sequence introducer, line or paragraph separator and invisible
formatting character (bidirectional overrides included) is replaced by a visible escape
(``\\n``, ``\\x1b``, ``\\u202e``), so no input can clear a screen, set a window title, forge a
line of output or start a YAML document, key or comment. Format-specific escaping (HTML
entities, DOT quotes) still happens in each renderer, after this.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from functools import lru_cache

from rich.console import Console, ConsoleOptions, RenderableType
from rich.segment import Segment

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# Categories shown as escapes: controls (C0, DEL, C1), formatting (bidi, zero-width),
# line and paragraph separators, surrogates and unassigned/private code points are kept.
_HIDDEN = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})


@lru_cache(maxsize=4096)
def _escape(char: str) -> str:
    if char in _NAMED:
        return _NAMED[char]
    if unicodedata.category(char) not in _HIDDEN:
        return char
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def clean(text: object) -> str:
    """``text`` as one line of visible characters: nothing in it can act on a terminal."""
    value = str(text)
    if value.isprintable():
        return value
    return "".join(_escape(char) for char in value)


class SafeConsole(Console):
    """A rich Console whose text segments go through the sanitiser (its own line breaks and
    styling stay): input in a table cell or a message cannot act on the terminal."""

    def render(
        self, renderable: RenderableType, options: ConsoleOptions | None = None
    ) -> Iterator[Segment]:
        for segment in super().render(renderable, options):
            if segment.control or segment.text.isprintable() or segment.text == "\n":
                yield segment
            else:
                text = "\n".join(clean(part) for part in segment.text.split("\n"))
                yield Segment(text, segment.style, segment.control)
