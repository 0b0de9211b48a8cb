"""Where a packet died, from captures at the source and at the destination pods. Pure.

Each connection attempt the source sent (a TCP SYN, a UDP datagram) is followed: did it leave the
source, arrive at a destination pod, was it answered (SYN-ACK, RST, a reply, ICMP unreachable),
did the answer get back. The verdict of each flow is one of VERDICTS; flows with the same verdict
towards the same address make one finding, with the flows as evidence.
"""
from dataclasses import dataclass, field

from ..model.findings import Finding
from ..model.packets import Packet

FINDINGS = {  # verdict -> (code, severity, message template)
    "answered": ("capture-answered", "info", "{to}: answered ({answer}) — the path works, seen in packets"),
    "refused": ("capture-refused", "error", "{to}: answered RST/port unreachable by {pod} (nothing listens)"),
    "no-answer": ("capture-no-answer", "error",
                  "{to}: arrived at {pod}, no answer (a firewall in the destination pod or the app)"),
    "reply-lost": ("capture-reply-lost", "error", "{to}: {pod} answered, the answer was lost on the way back"),
    "dropped": ("capture-dropped-in-transit", "error",
                "{to}: dropped between source and destination (left {source}, never arrived at {pod})"),
    "never-left": ("capture-never-left", "error", "{to}: never left {source} (dropped inside the source pod)"),
    "rejected-in-path": ("capture-rejected-in-path", "error",
                         "{to}: rejected on the way ({answer}) before it reached {pod}"),
    "unanswered": ("capture-unanswered", "error", "{to}: left {source}, no answer (no capture at the destination)"),
    "dnat-unexpected": ("capture-dnat-unexpected", "error",
                        "traffic for the Service ({to}) went to {actual}, which is not one of its endpoints "
                        "({expected})"),
}
MAX_LISTED = 5  # flows listed in a finding's evidence (all are in the capture section)
FIXES = {
    "refused": "start the server on that port, or point the Service's targetPort at the port it listens on",
    "no-answer": "check the destination pod's own firewall/NetworkPolicy ingress and whether the app accepts",
    "reply-lost": "the reply path is broken: asymmetric routing, a CNI/conntrack problem or an egress rule "
                  "on the destination side dropping replies",
    "dropped": "something between the pods drops it: NetworkPolicy enforcement on the host, CNI routes, "
               "an overlay/MTU problem or a node firewall",
    "never-left": "an egress rule in the source pod (NetworkPolicy enforced in the pod, iptables in a sidecar)",
    "rejected-in-path": "a firewall or NetworkPolicy between the pods rejects the connection",
    "dnat-unexpected": "stale Service rules: compare kube-proxy's rules with the EndpointSlices",
}


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


def conclude(source: End, destinations: list[End], expected: "Expected") -> tuple[list[Finding], list[dict]]:
    """Findings and one summary per flow the source started towards the probed ports."""
    flows = [f for f in source_flows(source) if f.dport in expected.ports and f.dport != 53]
    flows += _never_left(flows, expected)
    for flow in flows:
        judge(flow, source, destinations, expected)
    files = [end.file for end in [source, *destinations] if end.file]
    return findings(flows, source, expected, files), [summary(f) for f in flows]


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


def _never_left(flows: list[Flow], expected: Expected) -> list[Flow]:
    """Probes to a pod address of which the source capture saw nothing leave."""
    seen = {(f.protocol, f.dst, f.dport) for f in flows}
    return [Flow(protocol, 0, ip, port, verdict="never-left") for protocol, ip, port in expected.probed
            if ip not in expected.service_ips and (protocol, ip, port) not in seen]


@dataclass(frozen=True)
class _Seen:
    pod: str
    arrived: list  # the source's packets of this flow that reached the pod
    answers: list  # what the pod sent back (replies, RST, ICMP errors)


def judge(flow: Flow, source: End, destinations: list[End], expected: Expected) -> None:
    if flow.verdict:
        flow.pod = expected.endpoints.get(flow.dst)
        return
    if expected.service_ips and flow.dst not in expected.endpoints and flow.dst not in expected.service_ips:
        flow.verdict, flow.detail = "dnat-unexpected", {"actual": f"{flow.dst}:{flow.dport}"}  # translated in the pod
        return
    seen = _at_destination(flow, source.ip, destinations)
    flow.pod = seen[0].pod if seen else expected.endpoints.get(flow.dst)
    watched = _watched(destinations, flow, expected)
    if flow.dst in expected.service_ips and watched and not seen and _answer(flow.replies) is not None:
        # answered, yet no endpoint's capture saw it arrive: translated (on the node) to someone else
        flow.verdict, flow.detail = "dnat-unexpected", {"actual": "an address none of the endpoints' captures saw"}
        return
    flow.verdict = _verdict(flow, seen, watched)
    flow.detail.update(_numbers(flow, seen))
    if flow.verdict != "answered" and _answer_text(flow.replies):
        flow.detail["answer"] = _answer_text(flow.replies)


def _verdict(flow: Flow, seen: list, watched: bool) -> str:
    answer = _answer(flow.replies)
    if answer == "answered":
        return "answered"
    if answer is not None:
        refused_there = any(p.reset or p.icmp for entry in seen for p in entry.answers)
        if refused_there or (not watched and answer in ("reset", "port-unreachable")):
            return "refused"
        return "rejected-in-path"
    if seen:
        return "reply-lost" if any(entry.answers for entry in seen) else "no-answer"
    return "dropped" if watched else "unanswered"


def _answer(replies: list) -> str | None:
    for packet in replies:
        if packet.syn_ack or packet.protocol == "UDP":
            return "answered"
        if packet.reset:
            return "reset"
        if packet.icmp and packet.icmp[0] in (3, 1):  # destination unreachable (ICMP / ICMPv6)
            return "port-unreachable" if packet.icmp in ((3, 3), (1, 4)) else "unreachable"
    return None


def _answer_text(replies: list) -> str:
    packet = next((p for p in replies if p.reset or p.icmp), None)
    if packet is None:
        return ""
    return f"RST from {packet.src}" if packet.reset else f"ICMP {packet.icmp[0]}/{packet.icmp[1]} from {packet.src}"


def _at_destination(flow: Flow, source_ip: str, destinations: list[End]) -> list[_Seen]:
    """Destination pods that saw this flow arrive (same source address and port), and what they sent back."""
    found = []
    for end in destinations:
        arrived = [p for p in end.packets if p.src == source_ip and p.sport == flow.sport and p.protocol == flow.protocol]
        answers = [p for p in end.packets if p.dst == source_ip and ((p.dport == flow.sport and p.protocol == flow.protocol)
                                                                   or (p.inner and p.inner[2] == flow.sport))]
        if arrived:
            found.append(_Seen(end.pod, arrived, answers))
    return found


def _watched(destinations: list[End], flow: Flow, expected: Expected) -> bool:
    """A working capture ran where this flow was meant to arrive, so silence there means something.
    For a Service address that is every endpoint (we cannot know which one it was sent to)."""
    working = {end.pod for end in destinations if end.error is None}
    meant = expected.endpoints.get(flow.dst)
    if meant is not None:
        return meant in working
    return bool(expected.endpoints) and set(expected.endpoints.values()) <= working


def _numbers(flow: Flow, seen: list) -> dict:
    attempts = [p for p in flow.sent if p.syn or flow.protocol != "TCP"]
    data = {"sent": len(attempts)}
    if flow.protocol == "TCP":
        data["retransmissions"] = max(0, len(attempts) - 1)
    first_reply = next((p for p in flow.replies if p.time >= flow.sent[0].time), None) if flow.sent else None
    if first_reply is not None:
        data["rttMs"] = round((first_reply.time - flow.sent[0].time) * 1000, 3)
    if seen:
        data["arrived"] = sum(1 for p in seen[0].arrived if p.syn or flow.protocol != "TCP")
        data["answeredThere"] = len(seen[0].answers)
    return data


def findings(flows: list[Flow], source: End, expected: Expected, files: list) -> list[Finding]:
    groups: dict[tuple, list[Flow]] = {}
    for flow in flows:
        groups.setdefault((flow.verdict, flow.to), []).append(flow)
    return [_finding(verdict, members, source, expected, files) for (verdict, _), members in groups.items()]


def _finding(verdict: str, flows: list[Flow], source: End, expected: Expected, files: list) -> Finding:
    code, severity, template = FINDINGS[verdict]
    first = flows[0]
    answer = first.detail.get("answer") or ("SYN-ACK" if first.protocol == "TCP" else "a reply")
    words = {"to": first.to, "pod": first.pod or first.dst, "source": source.pod, "answer": answer,
             "actual": first.detail.get("actual", first.dst), "expected": ", ".join(sorted(expected.endpoints)) or "none"}
    evidence = {"flows": [summary(f) for f in flows[:MAX_LISTED]], "captures": files}
    if len(flows) > MAX_LISTED:
        evidence["more flows"] = len(flows) - MAX_LISTED
    return Finding(code, severity, template.format(**words), evidence, FIXES.get(verdict, ""), subject=f"Pod {source.pod}")


def summary(flow: Flow) -> dict:
    return {"protocol": flow.protocol, "sport": flow.sport, "dst": flow.dst, "dport": flow.dport,
            "verdict": flow.verdict, **({"pod": flow.pod} if flow.pod else {}), **flow.detail}
