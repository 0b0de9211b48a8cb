"""Each flow's verdict: did it leave the source, arrive at a destination pod, was it answered (SYN-ACK,
RST, a reply, ICMP unreachable), did the answer get back. Pure."""
from dataclasses import dataclass

from .capture_flows import End, Expected, Flow


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
