"""A real data plane on this machine: namespaces, nftables, servers, DNS and probes."""
