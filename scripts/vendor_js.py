#!/usr/bin/env python3
"""Vendor the HTML report's JavaScript graph library from the npm registry.

Runs ``npm pack`` for each pinned package into a temporary folder, copies the
browser build and the licence into ``src/netfence/report/assets/vendor/`` and
records versions, npm integrity and sha256 in ``vendor.json``. The vendored
files are committed, so installing netfence never needs npm.

Refresh: change the versions in ``PACKAGES`` and run ``python3 scripts/vendor_js.py``,
then ``python3 -m pytest tests/report_html`` and look at the screenshot.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "src" / "netfence" / "report" / "assets" / "vendor"

# (npm package, version, browser build inside the package). Order is load order:
# fcose needs cose-base, which needs layout-base; all register as browser globals.
PACKAGES = (
    ("layout-base", "2.0.1", "layout-base.js"),
    ("cose-base", "2.2.0", "cose-base.js"),
    ("cytoscape-fcose", "2.2.0", "cytoscape-fcose.js"),
    ("cytoscape", "3.34.4", "dist/cytoscape.min.js"),
)


def npm_pack(spec: str, into: Path) -> dict[str, str]:
    """Download one package tarball with npm; returns npm's record of it."""
    result = subprocess.run(
        ["npm", "pack", spec, "--json", "--pack-destination", str(into)],
        check=True,
        capture_output=True,
        text=True,
    )
    record: dict[str, str] = json.loads(result.stdout)[0]
    return record


def extract(tarball: Path, member: str) -> bytes:
    """One file of an npm tarball (its members live under ``package/``)."""
    with tarfile.open(tarball) as archive:
        handle = archive.extractfile(f"package/{member}")
        if handle is None:
            raise SystemExit(f"vendor_js: {tarball.name} has no {member}")
        return handle.read()


def main() -> None:
    manifest = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, version, build in PACKAGES:
            record = npm_pack(f"{name}@{version}", Path(tmp))
            tarball = Path(tmp) / record["filename"]
            script = extract(tarball, build)
            licence = extract(tarball, "LICENSE")
            (VENDOR / f"{name}.js").write_bytes(script)
            (VENDOR / f"{name}.LICENSE").write_bytes(licence)
            manifest.append(
                {
                    "name": name,
                    "version": version,
                    "file": f"{name}.js",
                    "license_file": f"{name}.LICENSE",
                    "license": "MIT",
                    "npm_integrity": record["integrity"],
                    "sha256": hashlib.sha256(script).hexdigest(),
                }
            )
            print(f"vendored {name}@{version} ({len(script):,} bytes)", file=sys.stderr)
    (VENDOR / "vendor.json").write_text(json.dumps(manifest, indent=2) + "\n")


if __name__ == "__main__":
    main()
