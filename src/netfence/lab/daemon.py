"""The servers of a lab left running by ``lab up``: ``python -m netfence.lab.daemon LAB_ID``."""

from __future__ import annotations

import asyncio
import signal
import sys
from typing import cast

from netfence.lab import state
from netfence.lab.netns import Entry
from netfence.lab.servers import Listener, Servers
from netfence.model import Protocol


async def serve(lab: state.LabState) -> None:
    """Serve every listener of the lab until SIGTERM."""
    entry = Entry()
    servers = Servers(entry)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    try:
        await servers.start(
            Listener(namespace, ident, port, cast(Protocol, protocol))
            for namespace, ident, port, protocol in lab.listeners
        )
        await stop.wait()
    finally:
        await servers.close()
        entry.close()


def main() -> int:
    lab = state.load(sys.argv[1]) if len(sys.argv) == 2 else None
    if lab is None:
        sys.stderr.write("usage: python -m netfence.lab.daemon LAB_ID (of a running lab)\n")
        return 2
    asyncio.run(serve(lab))
    return 0


if __name__ == "__main__":
    sys.exit(main())
