"""Packet capture in a pod over exec: tcpdump bounded in time and packets, stopped through stdin.

The script below is fixed; the limits and the BPF filter are its positional arguments, never part
of shell source. It writes classic pcap to stdout and ends by itself at the time or packet limit,
or when a line (or end of input) arrives on stdin; the timer and stdin watcher go with it, so
nothing keeps running in the pod afterwards.
"""
import ipaddress
import os
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from ..errors import InputError
from .pcap import read_pcap

NO_TCPDUMP = "netdebug: no tcpdump"
READY = "listening on"
SCRIPT = (
    'command -v tcpdump >/dev/null 2>&1 || { echo "' + NO_TCPDUMP + '" >&2; exit 127; }\n'
    'exec 3<&0\n'
    'tcpdump -i any -nn -U --immediate-mode -s "$3" -c "$2" -w - "$4" & p=$!\n'
    '(trap \'kill $z 2>/dev/null; exit 0\' TERM; sleep "$1" & z=$!; wait $z; kill -INT $p 2>/dev/null) & t=$!\n'
    '(read -r _ <&3; kill -INT $p 2>/dev/null) & r=$!\n'
    'wait $p; s=$?\n'
    'kill $t $r 2>/dev/null; wait $t 2>/dev/null\n'
    'exit $s\n')
SNAPLEN = 262  # headers, DNS questions; lengths come from the IP header
_FILTER_OK = re.compile(r"^[A-Za-z0-9 ().:/!<>=&|\[\]+*-]*$")


@dataclass(frozen=True)
class CaptureSpec:
    namespace: str
    pod: str
    containers: tuple  # tried in order: any container of the pod sees the pod's traffic
    bpf: str
    seconds: float = 10.0
    packets: int = 1000
    role: str = "source"
    snaplen: int = SNAPLEN

    def argv(self) -> list[str]:
        return ["sh", "-c", SCRIPT, "sh", f"{self.seconds:g}", str(self.packets), str(self.snaplen), self.bpf]


@dataclass
class Capture:
    spec: CaptureSpec
    container: str | None = None
    data: bytes = b""
    error: str | None = None
    file: str | None = None
    packets: list = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ref(self) -> str:
        return f"{self.spec.namespace}/{self.spec.pod}"


def checked_filter(text: str) -> str:
    """A user's BPF filter goes to tcpdump as one argument; refuse what could pose as an option."""
    text = text.strip()
    if text.startswith("-") or not _FILTER_OK.fullmatch(text):
        raise InputError(f"--filter {text!r}: not a BPF expression (letters, digits, spaces and ().:/!<>=&|[]+*- only)")
    return text


def flow_filter(ports: set, hosts: set = frozenset(), dns: bool = False) -> str:
    """Packets of the probes only: the probed ports (and hosts), ICMP errors about them, DNS if asked."""
    port_part = " or ".join(f"port {int(p)}" for p in sorted(ports))
    host_part = " or ".join(f"host {ipaddress.ip_address(h)}" for h in sorted(hosts))
    parts = [f"((tcp or udp) and ({port_part}){f' and ({host_part})' if host_part else ''})"] if ports else []
    parts += ["(port 53)"] if dns else []
    parts.append("(icmp[0] = 3 or icmp[0] = 11)")  # unreachable, time exceeded
    parts.append("(icmp6 and (ip6[40] = 1 or ip6[40] = 2 or ip6[40] = 3))")  # the same for IPv6, packet too big
    return " or ".join(parts)


class Running:
    """A capture that has started (or failed to): stop() ends it and reads what it wrote."""

    def __init__(self, cluster, spec: CaptureSpec, ready_timeout: float, sink=None):
        self.capture, self.stream, self.started = Capture(spec), None, time.monotonic()
        self.streamed = 0  # bytes handed to `sink` (a streaming capture keeps nothing in memory)
        if sink is not None:
            sink = self._counting(sink)
        for container in spec.containers:
            stream = cluster.exec_stream(spec.namespace, spec.pod, container, spec.argv(), sink)
            if stream.start(READY, ready_timeout):
                self.capture.container, self.stream = container, stream
                return
            self.capture.error = stream.error if NO_TCPDUMP not in stream.stderr else \
                f"no tcpdump in {self.capture.ref} (containers {', '.join(spec.containers)})"
            stream.stop(1.0)

    def _counting(self, sink):
        def write(chunk: bytes) -> None:
            self.streamed += len(chunk)
            sink(chunk)
        return write

    def stop(self, timeout: float = 3.0) -> Capture:
        if self.stream is not None:
            self.stream.stop(timeout)
            self.capture.data = bytes(self.stream.stdout)
            if not self.capture.data and not self.streamed:
                last = (self.stream.stderr.strip().splitlines() or [""])[-1]
                self.capture.error = self.stream.error or f"the capture in {self.capture.ref} wrote nothing: {last}"
        self.capture.seconds = round(time.monotonic() - self.started, 3)
        return self.capture


def start_all(cluster, specs: list[CaptureSpec], ready_timeout: float = 5.0) -> list[Running]:
    with ThreadPoolExecutor(max_workers=max(1, len(specs))) as pool:
        return list(pool.map(lambda spec: Running(cluster, spec, ready_timeout), specs))


def stop_all(running: list[Running], directory: str, stamp: str) -> list[Capture]:
    with ThreadPoolExecutor(max_workers=max(1, len(running))) as pool:
        captures = list(pool.map(lambda r: r.stop(), running))
    for capture in captures:
        if capture.data:
            capture.file = save(capture, directory, stamp)
            capture.packets = read_pcap(capture.data, capture.file)
    return captures


def save(capture: Capture, directory: str, stamp: str) -> str:
    os.makedirs(directory, exist_ok=True)
    name = f"netdebug-{stamp}-{capture.spec.role}-{capture.spec.namespace}_{capture.spec.pod}.pcap"
    path = os.path.join(directory, name)
    with open(path, "wb") as stream:
        stream.write(capture.data)
    return path
