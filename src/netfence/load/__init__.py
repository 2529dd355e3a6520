"""Reading manifests: files, folders, stdin, lists, positions, safety limits."""

from netfence.callables import make_callable
from netfence.load.document import Document, Path, render_path
from netfence.load.parsed import ParsedTexts
from netfence.load.sources import KNOWN_KINDS, LoadResult, load_file, load_paths, load_text
from netfence.load.yamlread import Limits

__all__ = [
    "KNOWN_KINDS",
    "Document",
    "Limits",
    "LoadResult",
    "ParsedTexts",
    "Path",
    "load_file",
    "load_paths",
    "load_text",
    "render_path",
]

make_callable(__name__)  # netfence.load(...) is netfence.api.load
