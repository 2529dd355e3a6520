"""``lab up``: a lab left running, with DNS (and a DNS proxy in each endpoint with FQDN
rules) and servers, for manual exploration. ``fqdn:`` namespaces serve every port number
``lab verify`` would ask."""

from __future__ import annotations

import subprocess
import sys

from netfence.lab import state
from netfence.lab.addresses import assigned_addresses, with_lab_addresses
from netfence.lab.compare import verify_queries
from netfence.lab.dns import Dns, with_dns_endpoint
from netfence.lab.dns_proxy import DnsProxies
from netfence.lab.probe import declared_listeners
from netfence.lab.runs import LabOptions, external_specs, lab_engine
from netfence.lab.servers import Listener
from netfence.lab.session import Lab
from netfence.model import Cluster

SERVED = ("TCP", "UDP")


def _served_by_daemon(listener: Listener, dns_namespace: str) -> bool:
    """TCP and UDP ports, except DNS in the namespace where dnsmasq answers it."""
    is_dns = listener.namespace == dns_namespace and listener.port == 53
    return listener.protocol in SERVED and not is_dns


def bring_up(cluster: Cluster, options: LabOptions | None = None) -> Lab:
    """Build the lab, start dnsmasq and the server daemon, and leave them running."""
    options = options or LabOptions()
    with_dns = with_dns_endpoint(cluster)
    addressed = with_lab_addresses(with_dns)
    unknown = assigned_addresses(with_dns, addressed)
    engine = lab_engine(with_dns, options)
    externals = external_specs(engine) if options.externals else ()
    lab = Lab(addressed, externals, engine.options.ipblock_pods, "up", unknown)
    with lab:
        dns = Dns(lab.topology, addressed, lab.entry)
        lab.state.listeners = [
            (item.namespace, item.ident, item.port, item.protocol)
            for item in declared_listeners(lab.topology.nodes)
            if _served_by_daemon(item, dns.node.namespace)
        ]
        ports = sorted(
            {(p, q) for p, q in verify_queries(cluster) if isinstance(p, int) and q in SERVED}
        )
        lab.state.listeners += [
            (node.namespace, node.ident, port, protocol)
            for node in lab.topology.fqdn_nodes
            for port, protocol in ports
        ]
        state.save(lab.state)
        dns.start(lambda pid: state.record_pid(lab.state, pid))
        proxies = DnsProxies(lab.topology, lab.fqdn_sets, dns.address, lab.entry)
        proxies.start(lambda pid: state.record_pid(lab.state, pid))
        daemon = subprocess.Popen(
            [sys.executable, "-m", "netfence.lab.daemon", lab.lab_id],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        state.record_pid(lab.state, daemon.pid)
        lab.keep()
    return lab
