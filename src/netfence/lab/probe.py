"""Concurrent probes between lab namespaces: TCP/SCTP handshakes and UDP echoes, short timeouts.

A probe is measured, never guessed: a protocol the kernel lacks, or an unexpected error, is
"could not test" (``allowed`` is ``None``). A probe to an ``fqdn:`` node first looks its name
up from the source namespace, as the source would (through its DNS proxy when it has one),
then connects to the node's lab address: when the lookup fails the connection shows what
the address alone is allowed, since nothing the source resolved can match it.
"""

from __future__ import annotations

import asyncio
import errno
import socket
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from netfence.engine.ports import resolve
from netfence.lab.netns import Entry
from netfence.lab.resolver import lookup
from netfence.lab.servers import SOCKET_TYPES, Listener, Servers
from netfence.lab.topology import LabNode
from netfence.model import IPAddress, Protocol
from netfence.probes import Measurement

Attempt = tuple[bool | None, str]
PAYLOAD = b"netfence-probe\n"
UDP_SENDS = 2


def _targets(src: LabNode, dst: LabNode) -> list[IPAddress]:
    """The destination's first address in each IP family the source also has."""
    families = {ip.version for ip in src.addresses}
    firsts: dict[int, IPAddress] = {}
    for ip in dst.addresses:
        if ip.version in families:
            firsts.setdefault(ip.version, ip)
    return list(firsts.values())


def combine(targets: Sequence[IPAddress], outcomes: Sequence[Attempt]) -> Attempt:
    """One cell from one outcome per family: allowed when any family connects (an endpoint
    is one peer whichever of its addresses matches), untested when any family could not be."""
    for allowed, note in outcomes:
        if allowed is None:
            return allowed, note
    reached = [ip for ip, (ok, _) in zip(targets, outcomes, strict=True) if ok]
    if reached and len(reached) < len(targets):
        return True, f"allowed over IPv{reached[0].version} only"
    return outcomes[0]


def kernel_lacks(entry: Entry, namespace: str, protocol: Protocol) -> bool:
    """Whether this kernel refuses sockets of ``protocol``."""
    try:
        entry.socket(namespace, socket.AF_INET, *SOCKET_TYPES[protocol]).close()
    except OSError as exc:
        if exc.errno in (errno.EPROTONOSUPPORT, errno.ESOCKTNOSUPPORT, errno.EAFNOSUPPORT):
            return True
        raise
    return False


@dataclass(frozen=True)
class NameService:
    """Where each lab namespace sends its lookups: its own DNS proxy (``local``) or the lab's
    cluster DNS (``server``)."""

    server: IPAddress
    local: Mapping[str, IPAddress] = field(default_factory=dict)

    def server_for(self, namespace: str) -> IPAddress:
        return self.local.get(namespace, self.server)


NO_NAMES = "could not test: the lab resolves names with a kube-dns endpoint, the input has none"


class Prober:
    """Runs probes with bounded concurrency from sockets created in source namespaces
    (``names``: how sources look up ``fqdn:`` destinations; None: they cannot)."""

    def __init__(
        self,
        entry: Entry,
        timeout: float = 1.0,
        concurrency: int = 1000,
        names: NameService | None = None,
    ) -> None:
        self._entry = entry
        self._timeout = timeout
        self._limit = asyncio.Semaphore(concurrency)
        self._names = names

    async def _attempt(self, src: LabNode, ip: IPAddress, port: int, protocol: Protocol) -> bool:
        """A handshake (TCP, SCTP), or an echoed datagram (UDP, sent twice at most)."""
        family = socket.AF_INET if ip.version == 4 else socket.AF_INET6
        loop = asyncio.get_running_loop()
        sock = self._entry.socket(src.namespace, family, *SOCKET_TYPES[protocol])
        with sock:
            try:
                async with asyncio.timeout(self._timeout):
                    await loop.sock_connect(sock, (str(ip), port))
            except TimeoutError:
                return False
            if protocol != "UDP":
                return True
            for _ in range(UDP_SENDS):
                await loop.sock_sendall(sock, PAYLOAD)
                try:
                    async with asyncio.timeout(self._timeout):
                        return await loop.sock_recv(sock, 64) == PAYLOAD
                except TimeoutError:
                    continue
            return False

    async def probe(
        self, src: LabNode, dst: LabNode, port: int | str, protocol: Protocol
    ) -> Measurement:
        """Measure one ordered pair."""
        number = resolve(port, protocol, dst.endpoint)

        def result(allowed: bool | None, note: str = "") -> Measurement:
            return Measurement(src.ident, dst.ident, port, number, protocol, allowed, note)

        if number is None and src.ident == dst.ident:
            unserved = f"serves no {protocol} port named {port}"
            return result(None, f"could not test: {unserved} (self traffic is never filtered)")
        if number is None:
            return result(False, f"destination serves no {protocol} port named {port}")
        targets = _targets(src, dst)
        if not targets:
            return result(None, "could not test: no common IP family")
        async with self._limit:
            named = ""
            if dst.lookup and not src.is_external:
                if self._names is None:
                    return result(None, NO_NAMES)
                named = await self._resolve(src, dst)
            outcomes = await asyncio.gather(
                *(self._outcome(src, ip, number, protocol) for ip in targets)
            )
        allowed, note = combine(targets, outcomes)
        return result(allowed, "; ".join(filter(None, (named, note))))

    async def _resolve(self, src: LabNode, dst: LabNode) -> str:
        """Look the destination's name up from the source; a note on what happened."""
        assert self._names is not None
        server = self._names.server_for(src.namespace)
        found = await lookup(self._entry, src.namespace, server, dst.lookup, self._timeout)
        if dst.addresses[0] in found:
            return f"resolved {dst.lookup}"
        return f"{dst.lookup} did not resolve: its address alone"

    async def _outcome(self, src: LabNode, ip: IPAddress, port: int, protocol: Protocol) -> Attempt:
        try:
            return await self._attempt(src, ip, port, protocol), ""
        except PermissionError:
            return False, "dropped at the source's egress"
        except ConnectionRefusedError:
            return None, "could not test: connection refused (no listener)"
        except OSError as exc:
            return None, f"could not test: {exc.strerror or exc}"

    async def run(
        self, pairs: Iterable[tuple[LabNode, LabNode]], port: int | str, protocol: Protocol
    ) -> list[Measurement]:
        """Probe every pair concurrently; results in the order of ``pairs``."""
        return list(await asyncio.gather(*(self.probe(s, d, port, protocol) for s, d in pairs)))


def listeners_for(nodes: Sequence[LabNode], port: int | str, protocol: Protocol) -> list[Listener]:
    """The probed port on every node that can be its destination."""
    wanted = []
    for node in nodes:
        number = resolve(port, protocol, node.endpoint)
        if number is not None:
            wanted.append(Listener(node.namespace, node.ident, number, protocol))
    return wanted


def declared_listeners(nodes: Sequence[LabNode]) -> list[Listener]:
    """Every declared container port of every endpoint node."""
    return [
        Listener(node.namespace, node.ident, p.port, p.protocol)
        for node in nodes
        if node.endpoint is not None
        for p in node.endpoint.ports
    ]


async def measure(
    entry: Entry,
    servers: Servers,
    pairs: Sequence[tuple[LabNode, LabNode]],
    port: int | str,
    protocol: Protocol,
    timeout: float,
    names: NameService | None = None,
) -> list[Measurement]:
    """Serve the probed port at every destination, then probe every pair."""
    if not pairs:
        return []
    if kernel_lacks(entry, pairs[0][0].namespace, protocol):
        note = f"could not test: this kernel has no {protocol}"
        return [
            Measurement(
                s.ident, d.ident, port, resolve(port, protocol, d.endpoint), protocol, None, note
            )
            for s, d in pairs
        ]
    destinations = list({d.ident: d for _, d in pairs}.values())
    await servers.start(listeners_for(destinations, port, protocol))
    return await Prober(entry, timeout, names=names).run(pairs, port, protocol)
