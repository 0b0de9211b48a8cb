"""The connection attempts in a source capture (a TCP SYN, a UDP datagram) and what came back. Pure."""
from dataclasses import dataclass, field

from ..model.packets import Packet


@dataclass(frozen=True)
class End:
    """One capture: where it ran (role source|destination, "ns/pod", the pod IP) and what it saw."""
    role: str
    pod: str
    ip: str
    packets: tuple = ()
    file: str | None = None
    error: str | None = None


@dataclass
class Flow:
    protocol: str
    sport: int
    dst: str
    dport: int
    sent: list = field(default_factory=list)  # the source's packets of this flow
    replies: list = field(default_factory=list)  # what came back to the source
    verdict: str = ""
    pod: str | None = None  # the destination pod that saw it
    detail: dict = field(default_factory=dict)

    @property
    def to(self) -> str:
        return f"{self.protocol} {self.dst}:{self.dport}"


@dataclass(frozen=True)
class Expected:
    endpoints: dict  # pod IP -> "ns/pod" that should answer
    ports: frozenset  # probed ports (Service port and target ports)
    service_ips: frozenset = frozenset()  # addresses translated to an endpoint (ClusterIP...)
    probed: tuple = ()  # (protocol, IP, port) the probes sent to


def source_flows(source: End) -> list[Flow]:
    """Connection attempts the source started: TCP flows opened by a SYN, UDP flows it sent first."""
    flows: dict[tuple, Flow] = {}
    for packet in source.packets:
        if packet.src == source.ip and packet.protocol in ("TCP", "UDP") and packet.dport is not None:
            key = (packet.protocol, packet.sport, packet.dst, packet.dport)
            if key in flows or packet.protocol == "UDP" or packet.syn:
                flows.setdefault(key, Flow(*key)).sent.append(packet)
    for packet in source.packets:
        flow = flows.get(_reverse_key(packet)) or _icmp_flow(flows, packet, source.ip)
        if flow is not None and packet.dst == source.ip:
            flow.replies.append(packet)
    return [flow for flow in flows.values() if _opened_here(flow)]


def _reverse_key(packet: Packet) -> tuple:
    return packet.protocol, packet.dport, packet.src, packet.sport


def _icmp_flow(flows: dict, packet: Packet, source_ip: str) -> Flow | None:
    if not packet.inner or packet.inner[1] != source_ip:
        return None
    protocol, _, sport, dst, dport = packet.inner
    return flows.get((protocol, sport, dst, dport))


def _opened_here(flow: Flow) -> bool:
    """A UDP 'flow' whose first packet is a reply to someone else's datagram is not ours."""
    return flow.protocol == "TCP" or not flow.replies or flow.sent[0].time <= flow.replies[0].time
