"""The self-contained HTML report: one file with its styles, scripts and data inlined.

The page loads nothing: a Content-Security-Policy allows only its own inline scripts (by
hash) and styles, and forbids every network fetch.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any

ASSETS: Traversable = files("netfence.report") / "assets"
MARKER = re.compile(r"<!--nf:(\w+)-->")


def _asset(name: str) -> str:
    return (ASSETS / name).read_text(encoding="utf-8")


def vendored_scripts() -> list[str]:
    """The vendored JavaScript, in the load order ``vendor.json`` records."""
    manifest = json.loads(_asset("vendor/vendor.json"))
    return [_asset(f"vendor/{entry['file']}") for entry in manifest]


def script_hash(script: str) -> str:
    """The CSP source expression that allows exactly this inline script."""
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def embed_json(data: Any) -> str:
    """JSON that is safe inside a ``<script>`` element (no ``<``, ``>`` or ``&``)."""
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def content_security_policy(scripts: list[str]) -> str:
    hashes = " ".join(script_hash(s) for s in scripts)
    return (
        f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )


def render_html(data: dict[str, Any]) -> str:
    """The report page for ``data`` (see ``html_data.report_data``)."""
    scripts = [*vendored_scripts(), _asset("report.js")]
    parts = {
        "csp": html.escape(content_security_policy(scripts), quote=False),
        "title": html.escape(f"netfence report: {data['meta']['inputs']}"),
        "style": _asset("report.css"),
        "data": embed_json(data),
        "scripts": "\n".join(f"<script>{s}</script>" for s in scripts),
    }
    return MARKER.sub(lambda m: parts[m.group(1)], _asset("report.html"))
