"""Servers in every lab namespace from one asyncio loop: TCP (with HTTP ``/health``) and UDP echo.

Each listening socket is created inside its namespace (setns around socket creation only) and
then served by the loop like any other socket.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import cast

from netfence.lab.netns import Entry
from netfence.model import Protocol

HTTP_METHODS = (b"GET ", b"HEAD ", b"POST ", b"PUT ", b"OPTIONS ")
SOCKET_TYPES: dict[Protocol, tuple[int, int]] = {
    "TCP": (socket.SOCK_STREAM, socket.IPPROTO_TCP),
    "UDP": (socket.SOCK_DGRAM, socket.IPPROTO_UDP),
    "SCTP": (socket.SOCK_STREAM, socket.IPPROTO_SCTP),
}


@dataclass(frozen=True)
class Listener:
    """A port one lab namespace serves."""

    namespace: str
    ident: str
    port: int
    protocol: Protocol


def http_answer(request: bytes, ident: str) -> bytes:
    """The answer to an HTTP request: 200 for ``/health``, 404 otherwise."""
    parts = request.split(b" ", 2)
    path = parts[1] if len(parts) > 1 else b"/"
    ok = path.split(b"?")[0] == b"/health"
    body = f'{{"status": "ok", "endpoint": "{ident}"}}\n' if ok else "not found\n"
    status = "200 OK" if ok else "404 Not Found"
    head = (
        f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    return (head + body).encode()


class _Echo(asyncio.DatagramProtocol):
    transport: asyncio.DatagramTransport

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        self.transport.sendto(data, addr)


def _dual_stack(entry: Entry, namespace: str, protocol: Protocol) -> socket.socket:
    sock = entry.socket(namespace, socket.AF_INET6, *SOCKET_TYPES[protocol])
    sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    return sock


class Servers:
    """Every listener of a lab, served by the running asyncio loop."""

    def __init__(self, entry: Entry) -> None:
        self._entry = entry
        self._closers: list[asyncio.AbstractServer | asyncio.BaseTransport] = []
        self._serving: set[tuple[str, int, Protocol]] = set()

    async def start(self, listeners: Iterable[Listener]) -> None:
        """Listen on every (namespace, port, protocol) not served yet.

        Raises OSError when the kernel lacks a protocol (SCTP on many machines).
        """
        loop = asyncio.get_running_loop()
        for listener in listeners:
            key = (listener.namespace, listener.port, listener.protocol)
            if key in self._serving:
                continue
            sock = _dual_stack(self._entry, listener.namespace, listener.protocol)
            self._serving.add(key)
            sock.bind(("::", listener.port))
            if listener.protocol != "UDP":
                server = await asyncio.start_server(
                    self._handler(listener.ident), sock=sock, backlog=4096
                )
                self._closers.append(server)
            else:
                transport, _ = await loop.create_datagram_endpoint(_Echo, sock=sock)
                self._closers.append(transport)

    @staticmethod
    def _handler(
        ident: str,
    ) -> Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]:
        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            with contextlib.suppress(OSError, TimeoutError):
                data = await asyncio.wait_for(reader.read(4096), timeout=2)
                if data.startswith(HTTP_METHODS):
                    writer.write(http_answer(data, ident))
                else:
                    writer.write(f"netfence {ident}\n".encode())
                await writer.drain()
            writer.close()

        return handle

    async def close(self) -> None:
        for closer in self._closers:
            closer.close()
        self._closers.clear()
        self._serving.clear()
