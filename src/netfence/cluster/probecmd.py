"""Probe commands as argv, and reading their result as allowed / blocked / could not test.

Two flavours speak the same conventions (busybox's): the cluster flavour runs busybox ``nc``
and ``nslookup`` in an ephemeral container; the lab flavour runs small Python programs that
print what busybox prints, because the lab host has Python but no busybox.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Protocol

from netfence.model import IPAddress
from netfence.probes import Reachability

DNS_NAME = "kubernetes.default.svc.cluster.local"
NO_SERVER = "connection timed out; no servers could be reached"


@dataclass(frozen=True)
class ExecResult:
    """What a command printed and its exit code (``None`` when it could not be run)."""

    exit_code: int | None
    output: str


class Commands(Protocol):
    """How a transport's environment connects over TCP and asks DNS."""

    def tcp(self, ip: IPAddress, port: int, timeout: float) -> list[str]: ...

    def dns(self, ip: IPAddress, timeout: float) -> list[str]: ...


class BusyboxCommands:
    """busybox ``nc -z -w`` and ``nslookup`` (the default probe image)."""

    def tcp(self, ip: IPAddress, port: int, timeout: float) -> list[str]:
        return ["nc", "-z", "-w", str(max(1, round(timeout))), str(ip), str(port)]

    def dns(self, ip: IPAddress, timeout: float) -> list[str]:
        return ["nslookup", f"-timeout={max(1, round(timeout))}", "-retry=1", DNS_NAME, str(ip)]


TCP_PROGRAM = """
import socket, sys
try:
    socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=float(sys.argv[3])).close()
except ConnectionRefusedError:
    print("nc: can't connect to remote host: Connection refused"); sys.exit(1)
except OSError:
    print("nc: timed out"); sys.exit(1)
"""

DNS_PROGRAM = """
import socket, struct, sys
name = b"".join(bytes([len(p)]) + p for p in sys.argv[2].encode().split(b".")) + b"\\0"
query = struct.pack(">HHHHHH", 0x4e46, 0x0100, 1, 0, 0, 0) + name + struct.pack(">HH", 1, 1)
family = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
sock = socket.socket(family, socket.SOCK_DGRAM)
sock.settimeout(float(sys.argv[3]))
try:
    sock.sendto(query, (sys.argv[1], 53))
    sock.recvfrom(4096)
except OSError:
    print(";; %s" % sys.argv[4]); sys.exit(1)
print("Server: " + sys.argv[1])
"""


class PythonCommands:
    """The lab flavour: Python programs with busybox's exit codes and messages."""

    def tcp(self, ip: IPAddress, port: int, timeout: float) -> list[str]:
        return [sys.executable, "-c", TCP_PROGRAM, str(ip), str(port), str(timeout)]

    def dns(self, ip: IPAddress, timeout: float) -> list[str]:
        return [sys.executable, "-c", DNS_PROGRAM, str(ip), DNS_NAME, str(timeout), NO_SERVER]


def read_tcp(result: ExecResult) -> tuple[Reachability, str]:
    """Connected: allowed; refused: could not test (nothing listens, or a reject); else blocked."""
    if result.exit_code is None:
        return "could not test", result.output
    if result.exit_code == 0:
        return "allowed", ""
    if "refused" in result.output.lower():
        return "could not test", "connection refused: nothing listens there, or a rule rejects"
    return "blocked", "no answer before the timeout"


def read_dns(result: ExecResult) -> tuple[Reachability, str]:
    """Any answer (even NXDOMAIN) means the query got through; silence means blocked."""
    if result.exit_code is None:
        return "could not test", result.output
    if result.exit_code != 0 and NO_SERVER in result.output:
        return "blocked", "no DNS answer before the timeout"
    return "allowed", ""
