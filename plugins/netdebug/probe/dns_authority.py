"""The answer at the source: ask the zone's authoritative name servers directly for a host.

The zone is found by asking this machine's resolver (the first `nameserver` of /etc/resolv.conf) for
NS records of the host, then of each parent domain; each name server is then asked without recursion.
Only an answer with the AA flag counts. Returns a plain dict like the other outside probes.
"""
import random
import socket
import time

from . import dns_wire

RESOLV_CONF = "/etc/resolv.conf"


def authoritative(host: str, timeout: float) -> dict:
    start = time.monotonic()
    resolver = system_nameserver()
    found = _answer(host, resolver, timeout) if resolver else {"outcome": "error", "detail": f"no nameserver in {RESOLV_CONF}"}
    return {**found, "elapsedMs": round((time.monotonic() - start) * 1000, 1), "tool": "dns (UDP)"}


def _answer(host: str, resolver: str, timeout: float) -> dict:
    zone, servers = _zone(host, resolver, timeout)
    if not servers:
        return {"outcome": "error", "detail": f"no NS record found for {host} or its parent domains"}
    for server in servers:
        for address in _addresses(server):
            try:
                answer = ask(address, host, "A", timeout, recursion=False)
            except (OSError, ValueError):
                continue
            if answer.authoritative:
                known = answer.addresses or answer.aliases
                outcome = "resolved" if known else "nxdomain" if answer.rcode == "NXDOMAIN" else "nodata"
                return {"outcome": outcome, "detail": answer.rcode, "addresses": sorted(answer.addresses),
                        "aliases": answer.aliases, "server": f"{server} ({address})", "zone": zone}
    return {"outcome": "error", "detail": f"no authoritative answer from {', '.join(servers)} (zone {zone})"}


def _zone(host: str, resolver: str, timeout: float) -> tuple[str | None, list[str]]:
    labels = host.rstrip(".").split(".")
    for index in range(len(labels) - 1):
        domain = ".".join(labels[index:])
        try:
            servers = ask(resolver, domain, "NS", timeout, recursion=True).name_servers
        except (OSError, ValueError):
            return None, []
        if servers:
            return domain, sorted(set(servers))
    return None, []


def ask(server: str, name: str, qtype: str, timeout: float, recursion: bool) -> dns_wire.Answer:
    ident = random.randrange(1 << 16)
    family = socket.AF_INET6 if ":" in server else socket.AF_INET
    with socket.socket(family, socket.SOCK_DGRAM) as sock:
        sock.settimeout(timeout)
        sock.connect((server, 53))
        sock.send(dns_wire.query(ident, name, qtype, recursion))
        return dns_wire.parse(sock.recv(4096), ident)


def _addresses(server: str) -> list[str]:
    try:
        return sorted({info[4][0] for info in socket.getaddrinfo(server, 53, 0, socket.SOCK_DGRAM)})
    except OSError:
        return []


def system_nameserver() -> str | None:
    try:
        with open(RESOLV_CONF, encoding="utf-8") as stream:
            lines = [line.split() for line in stream]
    except OSError:
        return None
    return next((parts[1] for parts in lines if len(parts) >= 2 and parts[0] == "nameserver"), None)
