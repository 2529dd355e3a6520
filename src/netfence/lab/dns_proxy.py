"""DNS proxies: one dnsmasq in each endpoint namespace with FQDN rules (Cilium's DNS proxy).

A proxy listens on the endpoint's loopback (its resolv.conf names it) and forwards every
lookup to the lab's cluster DNS from the endpoint's own address, so the endpoint's egress
rules decide whether DNS gets through, as in Cilium. It adds the addresses it answers for a
name to the endpoint's sets whose rules allow that name (``fqdn.fills``, dnsmasq's
``--nftset``). dnsmasq adds to sets of its own network namespace, for every client: one proxy
per endpoint namespace is what keeps each endpoint's sets its own, filled by its own lookups.
"""

from __future__ import annotations

import ipaddress
import socket
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence

from netfence.lab import netns
from netfence.lab.dns import resolv_conf
from netfence.lab.fqdn import FqdnSet, fills
from netfence.lab.netns import ETC_NETNS, Entry
from netfence.lab.nft import TABLE
from netfence.lab.topology import LabNode, Topology
from netfence.model import IPAddress

PROXY_ADDRESS = ipaddress.IPv4Address("127.0.0.1")
READY_TIMEOUT = 5.0


def proxy_command(server: IPAddress, filled: Mapping[str, Sequence[str]]) -> list[str]:
    """dnsmasq forwarding to ``server``, filling the named sets with each name's answers
    (no cache: every lookup is forwarded, as every lookup passes Cilium's proxy)."""
    return [
        "dnsmasq",
        "--keep-in-foreground",
        "--conf-file=/dev/null",
        "--no-resolv",
        "--no-hosts",
        "--no-poll",
        f"--server={server}",
        f"--listen-address={PROXY_ADDRESS}",
        "--bind-interfaces",
        "--cache-size=0",
        "--pid-file=",
        "--user=root",
        *(
            f"--nftset=/{name}/" + ",".join(f"4#inet#{TABLE}#{s}" for s in sets)
            for name, sets in filled.items()
        ),
    ]


def proxied(topology: Topology, sets: Mapping[str, Sequence[FqdnSet]]) -> list[LabNode]:
    """The endpoint nodes that have FQDN rules (a proxy each)."""
    return [n for n in topology.nodes if n.endpoint is not None and sets.get(n.ident)]


class DnsProxies:
    """The proxies of one lab; ``stop`` ends them (the namespaces' deletion would too)."""

    def __init__(
        self,
        topology: Topology,
        sets: Mapping[str, Sequence[FqdnSet]],
        server: IPAddress,
        entry: Entry,
    ) -> None:
        self._lookups = [n.lookup for n in topology.fqdn_nodes]
        self._sets = sets
        self._server = server
        self._entry = entry
        self.nodes = proxied(topology, sets)
        self.processes: list[subprocess.Popen[bytes]] = []

    def resolvers(self) -> dict[str, IPAddress]:
        """Each proxied namespace with the address its lookups go to."""
        return {node.namespace: PROXY_ADDRESS for node in self.nodes}

    def start(self, spawned: Callable[[int], None] = lambda pid: None) -> None:
        """Point each proxied endpoint's resolv.conf at its proxy, start the proxies (each
        pid goes to ``spawned`` at once), wait until every one answers on TCP 53."""
        for node in self.nodes:
            assert node.endpoint is not None
            path = ETC_NETNS / node.namespace / "resolv.conf"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(resolv_conf(node.endpoint.namespace, PROXY_ADDRESS))
            filled = fills(self._sets[node.ident], self._lookups)
            process = netns.spawn_in(node.namespace, proxy_command(self._server, filled))
            self.processes.append(process)
            spawned(process.pid)
        for node, process in zip(self.nodes, self.processes, strict=True):
            self._wait_ready(node.namespace, process)

    def _wait_ready(self, namespace: str, process: subprocess.Popen[bytes]) -> None:
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise netns.LabError(f"the DNS proxy in {namespace} exited at start")
            with self._entry.socket(namespace, socket.AF_INET, socket.SOCK_STREAM) as sock:
                sock.setblocking(True)
                sock.settimeout(0.2)
                if sock.connect_ex((str(PROXY_ADDRESS), 53)) == 0:
                    return
            time.sleep(0.05)
        raise netns.LabError(f"the DNS proxy in {namespace} did not start listening")

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=5)
