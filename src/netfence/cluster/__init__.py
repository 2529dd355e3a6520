"""netfence against a live cluster: connection, preflight, snapshot, apply, verify, probes.

Modules that need the ``kubernetes`` client import it themselves; importing this package
alone stays cheap.
"""

PAGE_SIZE = 500
"""Objects per list request (``limit``), unless told otherwise."""
