"""Running network-config-analyzer (the peer) and reading its pairwise connectivity."""

from __future__ import annotations

import ipaddress
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from netfence.engine import PortSet
from netfence.model import PROTOCOLS, IPAddress, Protocol

Connections = dict[Protocol, PortSet]

LINE = re.compile(r"^(?P<src>\S+) => (?P<dst>\S+) : (?P<conns>.+)$")
GROUP = re.compile(r"\{([^}]*)\}")


def nca_path() -> str | None:
    """``$NETFENCE_NCA`` or the venv scripts/test.sh makes, when present."""
    for candidate in (
        os.environ.get("NETFENCE_NCA"),
        str(Path.home() / ".cache" / "netfence" / "nca-venv" / "bin" / "nca"),
    ):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def nothing() -> Connections:
    return {p: PortSet() for p in PROTOCOLS}


def everything() -> Connections:
    return {p: PortSet.all() for p in PROTOCOLS}


def _ports(text: str) -> PortSet:
    ranges = []
    for part in text.split(","):
        low, _, high = part.partition("-")
        ranges.append((int(low), int(high or low)))
    return PortSet.of(ranges)


def parse_connections(text: str) -> Connections:
    """``All connections``, ``{protocols:TCP,dst_ports:80-81},...`` or ``All but {...}``."""
    text = text.strip()
    if text == "All connections":
        return everything()
    listed = nothing()
    for group in GROUP.findall(text):
        protocols_part, _, ports_part = group.partition("dst_ports:")
        ports = _ports(ports_part.rstrip(",")) if ports_part else PortSet.all()
        for protocol in re.findall(r"\b(TCP|UDP|SCTP)\b", protocols_part):
            listed[protocol] = listed[protocol] | ports
    if text.startswith("All but"):
        return {p: PortSet.all() - listed[p] for p in PROTOCOLS}
    return listed


@dataclass(frozen=True)
class PeerResult:
    """Pod-to-pod and pod/IP-range connectivity as nca prints it (absent pairs: nothing)."""

    pairs: dict[tuple[str, str], Connections]

    def between(self, src: str, dst: str) -> Connections:
        return self.pairs.get((src, dst), nothing())

    def with_address(self, pod: str, address: IPAddress, outgoing: bool) -> Connections:
        """Connections between ``pod`` and every printed range holding ``address``."""
        found = nothing()
        for (src, dst), connections in self.pairs.items():
            mine, other = (src, dst) if outgoing else (dst, src)
            if mine != pod or "/" in other:
                continue
            low, _, high = other.partition("-")
            first, last = ipaddress.ip_address(low), ipaddress.ip_address(high or low)
            if first.version == address.version and first <= address <= last:  # type: ignore[operator]
                found = {p: found[p] | connections[p] for p in PROTOCOLS}
        return found


def run_nca(nca: str, directory: Path) -> PeerResult:
    """``nca --connectivity`` over one folder, pods as endpoints, one line per pair."""
    command = [nca, "--connectivity", str(directory), "--ns_list", str(directory)]
    command += ["--pod_list", str(directory), "--output_endpoints", "pods", "-o", "txt_no_fw_rules"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    if result.returncode not in (0, 1):
        raise RuntimeError(f"nca exit {result.returncode}: {result.stderr or result.stdout}")
    pairs: dict[tuple[str, str], Connections] = {}
    for line in result.stdout.splitlines():
        match = LINE.match(line.strip())
        if match:
            src = match["src"].split("[")[0]
            dst = match["dst"].split("[")[0]
            # nca may print one line per protocol group of a pair: their union is the pair's.
            known = pairs.get((src, dst), nothing())
            found = parse_connections(match["conns"])
            pairs[(src, dst)] = {p: known[p] | found[p] for p in PROTOCOLS}
    return PeerResult(pairs)
