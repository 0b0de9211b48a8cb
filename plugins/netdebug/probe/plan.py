"""Pure argv builders: for a Toolset, the command that performs one probe with the best tool present.

Every user-supplied value (host, port, path) is its own argv element, or a positional argument to a
fixed script; it never becomes part of shell or Python source. Hosts and paths are validated first
so that nothing can pose as a command-line option either.
"""
import math
from dataclasses import dataclass

from ..model.probes import checked_host, checked_path, checked_port
from . import scripts

TCP_LADDER = ("nc", "bash", "curl", "python3", "python", "busybox", "wget")
UDP_LADDER = ("python3", "python", "nc")
DNS_LADDER = ("python3", "python", "getent", "nslookup", "busybox")
HTTP_LADDER = ("curl", "wget", "python3", "python", "busybox")
READ_LADDER = ("cat", "busybox", "python3", "python")
LADDERS = {"tcp": TCP_LADDER, "udp": UDP_LADDER, "dns": DNS_LADDER, "http": HTTP_LADDER,
           "listening": READ_LADDER, "resolv": READ_LADDER}
PROC_NET_FILES = ("/proc/net/tcp", "/proc/net/tcp6", "/proc/net/udp", "/proc/net/udp6")


@dataclass(frozen=True)
class Plan:
    kind: str
    tool: str
    argv: tuple

    @property
    def command(self) -> list[str]:
        return list(self.argv)


def url_for(host: str, port: int, path: str = "/") -> str:
    return f"http://{'[' + host + ']' if ':' in host else host}:{port}{path}"


def _first(toolset, ladder) -> str | None:
    return next((tool for tool in ladder if toolset.has(tool)), None)


def _secs(timeout: float) -> str:
    return str(max(1, math.ceil(timeout)))  # nc -w, wget -T and busybox take whole seconds


def _fsecs(timeout: float) -> str:
    return f"{timeout:g}"


def tcp_probe(toolset, host: str, port: int, timeout: float) -> Plan | None:
    host, port = checked_host(host), str(checked_port(port))
    tool = _first(toolset, TCP_LADDER)
    if tool == "nc" and toolset.has("nc-z"):
        argv = ("nc", "-v", "-z", "-w", _secs(timeout), host, port)
    elif tool in ("nc", "busybox"):  # busybox's small nc: no -z, but it exits once its (empty) stdin ends
        argv = (*(("busybox",) if tool == "busybox" else ()), "nc", "-w", _secs(timeout), host, port)
    elif tool == "bash":
        bounded = ("timeout", _fsecs(timeout)) if toolset.has("timeout") else ()
        argv = (*bounded, "bash", "-c", scripts.BASH_TCP, "bash", host, port)
    elif tool == "curl":  # %{time_connect} > 0 proves the TCP handshake, whatever the server speaks
        argv = ("curl", "-sS", "-g", "--noproxy", "*", "-o", "/dev/null", "-w", "%{time_connect}", "--connect-timeout",
                _fsecs(timeout), "-m", _fsecs(timeout), url_for(host, int(port)))
    elif tool in ("python3", "python"):
        argv = (tool, "-c", scripts.PY_TCP, host, port, _fsecs(timeout))
    elif tool == "wget":
        argv = ("wget", "-O", "/dev/null", "-T", _secs(timeout), *_gnu_wget_flags(toolset), url_for(host, int(port)))
    else:
        return None
    return Plan("tcp", tool, argv)


def udp_probe(toolset, host: str, port: int, timeout: float) -> Plan | None:
    """Best effort: silence means "open or filtered"; only an ICMP port-unreachable proves "refused"."""
    host, port = checked_host(host), str(checked_port(port))
    tool = _first(toolset, UDP_LADDER)
    if tool in ("python3", "python"):
        return Plan("udp", tool, (tool, "-c", scripts.PY_UDP, host, port, _fsecs(timeout)))
    if tool == "nc" and toolset.has("nc-z") and toolset.has("nc-u"):
        return Plan("udp", tool, ("nc", "-v", "-u", "-z", "-w", _secs(timeout), host, port))
    return None


def dns_probe(toolset, name: str, timeout: float) -> Plan | None:
    name = checked_host(name)
    tool = _first(toolset, DNS_LADDER)
    if tool in ("python3", "python"):
        return Plan("dns", tool, (tool, "-c", scripts.PY_DNS, name))
    if tool == "getent":
        return Plan("dns", tool, ("getent", "hosts", name))
    if tool in ("nslookup", "busybox"):
        return Plan("dns", tool, (*(("busybox",) if tool == "busybox" else ()), "nslookup", name))
    return None


def http_probe(toolset, host: str, port: int, path: str | None, timeout: float) -> Plan | None:
    url = url_for(checked_host(host), checked_port(port), checked_path(path))
    tool = _first(toolset, HTTP_LADDER)
    if tool == "curl":
        argv = ("curl", "-sS", "-g", "--noproxy", "*", "-o", "/dev/null", "-w", "%{http_code}",
                "--connect-timeout", _fsecs(timeout), "-m", _fsecs(timeout), url)
    elif tool in ("wget", "busybox"):
        prefix = ("busybox",) if tool == "busybox" else ()
        gnu = _gnu_wget_flags(toolset) if tool == "wget" else ()
        argv = (*prefix, "wget", "-S", "-O", "/dev/null", "-T", _secs(timeout), *gnu, url)
    elif tool in ("python3", "python"):
        argv = (tool, "-c", scripts.PY_HTTP, url, _fsecs(timeout))
    else:
        return None
    return Plan("http", tool, argv)


def listening_probe(toolset) -> Plan | None:
    """Read the kernel's socket tables; the parser tells the files apart by their headers."""
    return _read_files("listening", toolset, PROC_NET_FILES)


def resolv_probe(toolset) -> Plan | None:
    return _read_files("resolv", toolset, ("/etc/resolv.conf",))


def _read_files(kind: str, toolset, paths) -> Plan | None:
    tool = _first(toolset, READ_LADDER)
    if tool == "cat":
        return Plan(kind, tool, ("cat", *paths))
    if tool == "busybox":
        return Plan(kind, tool, ("busybox", "cat", *paths))
    if tool in ("python3", "python"):
        return Plan(kind, tool, (tool, "-c", scripts.PY_CAT, *paths))
    return None


def _gnu_wget_flags(toolset) -> tuple:
    return ("--tries=1", "--no-proxy") if toolset.has("gnu-wget") else ()
