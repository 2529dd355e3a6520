"""A minimal DNS client for probes: A lookups over UDP from a socket inside a lab namespace."""

from __future__ import annotations

import asyncio
import ipaddress
import secrets
import socket
import struct

from netfence.lab.netns import Entry
from netfence.model import IPAddress

TYPE_A = 1
CLASS_IN = 1
SENDS = 2


def query(ident: int, name: str) -> bytes:
    """A recursive query for the A records of ``name``."""
    labels = b"".join(bytes([len(p)]) + p.encode("ascii") for p in name.strip(".").split("."))
    return (
        struct.pack(">HHHHHH", ident, 0x0100, 1, 0, 0, 0)
        + labels
        + b"\0"
        + struct.pack(">HH", TYPE_A, CLASS_IN)
    )


def _skip_name(data: bytes, offset: int) -> int:
    while True:
        length = data[offset]
        if length & 0xC0 == 0xC0:
            return offset + 2
        if length == 0:
            return offset + 1
        offset += 1 + length


def answers(data: bytes, ident: int) -> tuple[ipaddress.IPv4Address, ...] | None:
    """The A records of a response to query ``ident`` (None: not its response)."""
    if len(data) < 12:
        return None
    got, flags, questions, count = struct.unpack(">HHHH", data[:8])
    if got != ident or not flags & 0x8000:
        return None
    offset = 12
    try:
        for _ in range(questions):
            offset = _skip_name(data, offset) + 4
        found = []
        for _ in range(count):
            offset = _skip_name(data, offset)
            kind, klass, _, size = struct.unpack(">HHIH", data[offset : offset + 10])
            offset += 10
            if kind == TYPE_A and klass == CLASS_IN and size == 4:
                found.append(ipaddress.IPv4Address(data[offset : offset + 4]))
            offset += size
    except (IndexError, struct.error):
        return None
    return tuple(found)


async def lookup(
    entry: Entry, namespace: str, server: IPAddress, name: str, timeout: float
) -> tuple[ipaddress.IPv4Address, ...]:
    """The addresses ``server`` answers for ``name``, asked from inside ``namespace`` (none
    when the lookup is dropped, refused or unanswered)."""
    family = socket.AF_INET if server.version == 4 else socket.AF_INET6
    ident = secrets.randbelow(0x10000)
    loop = asyncio.get_running_loop()
    with entry.socket(namespace, family, socket.SOCK_DGRAM) as sock:
        try:
            await loop.sock_connect(sock, (str(server), 53))
            for _ in range(SENDS):
                await loop.sock_sendall(sock, query(ident, name))
                try:
                    async with asyncio.timeout(timeout):
                        while (found := answers(await loop.sock_recv(sock, 4096), ident)) is None:
                            continue
                        return found
                except TimeoutError:
                    continue
        except OSError:
            return ()
    return ()
