"""Pure parsers for what probes print: /proc/net socket tables, resolv.conf, getent/nslookup, wget headers."""
import ipaddress
import re

TCP_LISTEN = "0A"
UDP_UNCONNECTED = "07"
_NSLOOKUP_ADDRESS = re.compile(r"^Address(?:\s+\d+)?:\s*([0-9A-Fa-f.:]+)")
_HTTP_STATUS = re.compile(r"HTTP/\d(?:\.\d)?\s+(\d{3})")


def hex_address(text: str) -> str:
    """Kernel hex form -> IP: IPv4 is one little-endian word, IPv6 four of them."""
    raw = bytes.fromhex(text)
    address = ipaddress.ip_address(b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4)))
    mapped = getattr(address, "ipv4_mapped", None)  # an IPv6 socket bound to an IPv4 address
    return str(mapped or address)


def proc_net_sockets(text: str) -> list[dict]:
    """Listening sockets from concatenated /proc/net/{tcp,tcp6,udp,udp6}.

    The files are told apart by their header: only the udp tables end with "drops". TCP sockets
    count when in LISTEN, UDP sockets when bound but unconnected.
    """
    sockets, protocol = [], None
    for line in text.splitlines():
        fields = line.split()
        if "local_address" in fields:
            protocol = "UDP" if fields[-1] == "drops" else "TCP"
            continue
        if protocol is None or len(fields) < 4 or ":" not in fields[1]:
            continue
        socket = _listening(fields, protocol)
        if socket and socket not in sockets:
            sockets.append(socket)
    return sorted(sockets, key=lambda s: (s["protocol"], s["port"], s["address"]))


def _listening(fields: list[str], protocol: str) -> dict | None:
    local, remote, state = fields[1], fields[2], fields[3]
    wanted = TCP_LISTEN if protocol == "TCP" else UDP_UNCONNECTED
    if state != wanted or (protocol == "UDP" and int(remote.split(":")[1], 16) != 0):
        return None
    address, port = local.split(":")
    return {"address": hex_address(address), "port": int(port, 16), "protocol": protocol}


def resolv_conf(text: str) -> dict:
    """nameservers, search list and ndots (resolver default 1) as the resolver would read them."""
    nameservers, search, ndots, options = [], [], 1, []
    for line in text.splitlines():
        fields = line.split("#", 1)[0].split(";", 1)[0].split()
        if not fields:
            continue
        key, values = fields[0], fields[1:]
        if key == "nameserver" and values:
            nameservers.append(values[0])
        elif key in ("search", "domain"):
            search = values  # the last search/domain line wins
        elif key == "options":
            options.extend(values)
            ndots = next((int(v.split(":")[1]) for v in values if re.fullmatch(r"ndots:\d+", v)), ndots)
    return {"nameservers": nameservers, "search": search, "ndots": ndots, "options": options}


def getent_addresses(text: str) -> list[str]:
    """`getent hosts` lines are "ADDRESS NAME [ALIASES]"."""
    return _unique(line.split()[0] for line in text.splitlines() if line.split())


def nslookup_addresses(text: str) -> list[str]:
    """Answer addresses from busybox or bind nslookup (the server's own Address line comes before Name:)."""
    addresses, answering = [], False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("Name:"):
            answering = True
        found = _NSLOOKUP_ADDRESS.match(stripped)
        if answering and found:
            addresses.append(found.group(1).split("#")[0])
    return _unique(addresses)


def http_status(text: str) -> int | None:
    """The last HTTP status line wget -S printed (after redirects)."""
    codes = _HTTP_STATUS.findall(text)
    return int(codes[-1]) if codes else None


def _unique(items) -> list[str]:
    return list(dict.fromkeys(items))
