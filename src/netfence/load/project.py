"""``exclude:`` of a repository's ``.netfence.yaml``: files and folders no command reads.

```yaml
exclude: [charts/legacy, "*.json", .github]   # globs, as --exclude takes them
```
"""

from __future__ import annotations

import os

from netfence.load.sources import read_text
from netfence.load.yamlread import Limits, read_stream
from netfence.problems import InputError, Problem, Source

CONFIG_FILE = ".netfence.yaml"
CONFIG_LIMITS = Limits(max_bytes=1024 * 1024, max_depth=20, max_alias_nodes=1000)


def config_excludes(path: str = CONFIG_FILE) -> tuple[str, ...]:
    """The ``exclude`` globs of ``path`` (none when the file does not exist); InputError
    naming the line when the list is malformed."""
    if not os.path.isfile(path):
        return ()
    text, problem = read_text(path, CONFIG_LIMITS, size_option=None)
    if problem is not None or text is None:
        raise InputError([problem] if problem else [])
    docs, problems = read_stream(text, path, CONFIG_LIMITS)
    if problems:
        raise InputError(problems)
    data = docs[0].data if docs else None
    if not isinstance(data, dict) or data.get("exclude") is None:
        return ()
    value = data["exclude"]
    items = value if isinstance(value, list) else [value]
    if not all(isinstance(item, str) and item for item in items):
        source = docs[0].source_of(("exclude",)) if docs else Source(path, 0, 1)
        message = "expected a glob or a list of globs"
        raise InputError([Problem(source, message, field="exclude")])
    return tuple(items)
