"""Cluster DNS: a real dnsmasq in the kube-dns endpoint's namespace, resolv.conf everywhere.

Names: ``<service>.<namespace>.svc.cluster.local`` for each Service (its selected pods' IPs,
as a headless Service) and, for pods no Service selects, one per pod from its ``app`` labels
and its own name; ``<ip-with-dashes>.<namespace>.pod.cluster.local`` for every pod; and the
lookup name of every ``fqdn:`` node (``fqdn.lookup_name``) with its lab address.
"""

from __future__ import annotations

import dataclasses
import socket
import subprocess
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

from netfence.lab import netns
from netfence.lab.netns import ETC_NETNS, Entry
from netfence.lab.state import files_dir
from netfence.lab.topology import LabNode, Topology
from netfence.model import Cluster, ContainerPort, Endpoint, IPAddress
from netfence.model.types import freeze_labels

DOMAIN = "cluster.local"
DNS_LABEL = ("k8s-app", "kube-dns")
NAME_LABELS = ("app.kubernetes.io/name", "app", "k8s-app")
READY_TIMEOUT = 5.0


def dns_endpoint(cluster: Cluster) -> Endpoint | None:
    """The first endpoint labelled k8s-app=kube-dns."""
    key, value = DNS_LABEL
    return next((e for e in cluster.endpoints if e.label_map.get(key) == value), None)


def with_dns_endpoint(cluster: Cluster) -> Cluster:
    """The cluster with a kube-system/kube-dns endpoint when none is labelled k8s-app=kube-dns."""
    if dns_endpoint(cluster) is not None:
        return cluster
    server = Endpoint(
        namespace="kube-system",
        name="kube-dns",
        labels=freeze_labels(dict([DNS_LABEL])),
        ports=(ContainerPort(53, "UDP", "dns"), ContainerPort(53, "TCP", "dns-tcp")),
    )
    return dataclasses.replace(cluster, endpoints=(*cluster.endpoints, server))


def records(cluster: Cluster) -> dict[str, list[IPAddress]]:
    """Every DNS name the lab answers, with its addresses."""
    names: dict[str, list[IPAddress]] = defaultdict(list)
    covered: set[str] = set()
    for service in cluster.services:
        selector = dict(service.selector)
        if not selector:
            continue
        for e in cluster.endpoints:
            if e.namespace == service.namespace and selector.items() <= e.label_map.items():
                names[f"{service.name}.{service.namespace}.svc.{DOMAIN}"] += e.ips
                covered.add(e.id)
    for e in cluster.endpoints:
        for ip in e.ips:
            dashed = str(ip).replace(".", "-").replace(":", "-")
            names[f"{dashed}.{e.namespace}.pod.{DOMAIN}"].append(ip)
        if e.id in covered:
            continue
        own = {e.name, *(e.label_map[k] for k in NAME_LABELS if k in e.label_map)}
        for name in own:
            names[f"{name}.{e.namespace}.svc.{DOMAIN}"] += e.ips
    return {name: list(dict.fromkeys(ips)) for name, ips in names.items()}


def hosts_text(names: dict[str, list[IPAddress]]) -> str:
    return "".join(f"{ip} {name}\n" for name, ips in sorted(names.items()) for ip in ips)


def resolv_conf(namespace: str, server: IPAddress) -> str:
    search = f"{namespace}.svc.{DOMAIN} svc.{DOMAIN} {DOMAIN}"
    return f"search {search}\nnameserver {server}\noptions ndots:5 timeout:1 attempts:2\n"


class Dns:
    """dnsmasq for one lab; ``stop`` ends it (the namespace's deletion would too)."""

    def __init__(self, topology: Topology, cluster: Cluster, entry: Entry) -> None:
        server = dns_endpoint(cluster)
        node = topology.node(server.id) if server else None
        if node is None:
            raise netns.LabError("no kube-dns endpoint in the lab")
        self.node: LabNode = node
        self._topology = topology
        self._cluster = cluster
        self._entry = entry
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def address(self) -> IPAddress:
        return self.node.addresses[0]

    def start(self, spawned: Callable[[int], None] = lambda pid: None) -> None:
        """Write hosts and resolv.conf files, start dnsmasq (its pid goes to ``spawned`` at
        once), wait until it answers on TCP 53."""
        folder = files_dir(self._topology.lab_id)
        folder.mkdir(parents=True, exist_ok=True)
        hosts = folder / "hosts"
        names = records(self._cluster)
        names.update({n.lookup: list(n.addresses) for n in self._topology.fqdn_nodes})
        hosts.write_text(hosts_text(names))
        for node in self._topology.nodes:
            if node.endpoint is not None:
                path = ETC_NETNS / node.namespace / "resolv.conf"
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(resolv_conf(node.endpoint.namespace, self.address))
        self.process = netns.spawn_in(self.node.namespace, self._command(hosts))
        spawned(self.process.pid)
        self._wait_ready()

    def _command(self, hosts: Path) -> Sequence[str]:
        listen = ",".join(str(ip) for ip in self.node.addresses)
        return [
            "dnsmasq",
            "--keep-in-foreground",
            "--conf-file=/dev/null",
            "--no-resolv",
            "--no-hosts",
            "--no-poll",
            f"--addn-hosts={hosts}",
            f"--listen-address={listen}",
            "--bind-interfaces",
            f"--local=/{DOMAIN}/",
            "--pid-file=",
            "--user=root",
        ]

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT
        family = socket.AF_INET if self.address.version == 4 else socket.AF_INET6
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise netns.LabError("dnsmasq exited at start")
            with self._entry.socket(self.node.namespace, family, socket.SOCK_STREAM) as sock:
                sock.setblocking(True)
                sock.settimeout(0.2)
                if sock.connect_ex((str(self.address), 53)) == 0:
                    return
            time.sleep(0.05)
        raise netns.LabError("dnsmasq did not start listening")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=5)
