"""A small reader for what tcpdump writes: classic pcap (micro- or nanosecond, either byte order)
with Ethernet (802.1Q too), Linux cooked v1/v2 (`-i any`) or raw IP frames; IPv4 and IPv6; TCP
ports, flags, seq/ack; UDP; DNS id, qname, rcode; ICMP errors with the packet they quote.

Our own ~150 lines rather than a dependency: we need only these fields, the plugins ship as single
frozen binaries (each dependency costs start-up and size), and truncated or hostile input must
give a clear error, never a traceback. pcapng is recognised and refused with that message.
"""
import ipaddress
import struct

from ..errors import InputError
from ..model.packets import INCOMING, OUTGOING, DnsMessage, Packet

MAGIC = {b"\xd4\xc3\xb2\xa1": ("<", 1e-6), b"\xa1\xb2\xc3\xd4": (">", 1e-6),
         b"\x4d\x3c\xb2\xa1": ("<", 1e-9), b"\xa1\xb2\x3c\x4d": (">", 1e-9)}
PCAPNG = b"\x0a\x0d\x0d\x0a"
ETHERNET, RAW, RAW_IPV4, RAW_IPV6, SLL, SLL2 = 1, 101, 228, 229, 113, 276
ETH_IPV4, ETH_IPV6, ETH_VLAN = 0x0800, 0x86DD, (0x8100, 0x88A8)
PROTOCOLS = {1: "ICMP", 6: "TCP", 17: "UDP", 58: "ICMPv6"}
TCP_FLAGS = ((0x02, "S"), (0x01, "F"), (0x04, "R"), (0x08, "P"), (0x10, "A"), (0x20, "U"))
IPV6_EXTENSIONS = (0, 43, 60)  # hop-by-hop, routing, destination options: skipped
DNS_PORTS = (53, 5353)


def read_pcap(data: bytes, name: str = "capture") -> list[Packet]:
    """Every IP packet of a pcap file; frames of other kinds (ARP...) are skipped."""
    if data[:4] == PCAPNG:
        raise InputError(f"{name}: pcapng is not supported; write classic pcap (tcpdump -w does)")
    if len(data) < 24 or data[:4] not in MAGIC:
        raise InputError(f"{name}: not a pcap file (no pcap magic number)")
    order, unit = MAGIC[data[:4]]
    linktype = struct.unpack(order + "I", data[20:24])[0] & 0x0FFFFFFF
    packets, offset = [], 24
    while offset + 16 <= len(data):
        seconds, fraction, captured, _ = struct.unpack(order + "IIII", data[offset:offset + 16])
        frame = data[offset + 16:offset + 16 + captured]
        offset += 16 + captured
        if len(frame) < captured:
            break  # the capture was cut off mid-record (tcpdump killed): keep what is whole
        packet = _frame(linktype, frame, seconds + fraction * unit)
        if packet is not None:
            packets.append(packet)
    return packets


def _frame(linktype: int, frame: bytes, when: float) -> Packet | None:
    try:
        ethertype, start, direction = _link(linktype, frame)
        if ethertype == ETH_IPV4 or (ethertype is None and frame[start:start + 1] and frame[start] >> 4 == 4):
            return _ipv4(frame[start:], when, direction)
        if ethertype == ETH_IPV6 or (ethertype is None and frame[start:start + 1] and frame[start] >> 4 == 6):
            return _ipv6(frame[start:], when, direction)
    except (struct.error, IndexError, ValueError):
        return None  # a truncated or malformed frame tells us nothing
    return None


def _link(linktype: int, frame: bytes) -> tuple:
    """(ethertype or None for raw IP, offset of the IP header, direction)."""
    if linktype == ETHERNET:
        ethertype, start = struct.unpack(">H", frame[12:14])[0], 14
        while ethertype in ETH_VLAN:
            ethertype, start = struct.unpack(">H", frame[start + 2:start + 4])[0], start + 4
        return ethertype, start, None
    if linktype == SLL:
        kind, ethertype = struct.unpack(">H", frame[0:2])[0], struct.unpack(">H", frame[14:16])[0]
        return ethertype, 16, _direction(kind)
    if linktype == SLL2:
        return struct.unpack(">H", frame[0:2])[0], 20, _direction(frame[10])
    if linktype in (RAW, RAW_IPV4, RAW_IPV6):
        return None, 0, None
    raise ValueError(f"link type {linktype} is not read")


def _direction(kind: int) -> str | None:
    return OUTGOING if kind == 4 else INCOMING if kind in (0, 1, 2) else None


def _ipv4(ip: bytes, when: float, direction) -> Packet:
    header = (ip[0] & 0x0F) * 4
    total, flags = struct.unpack(">H", ip[2:4])[0], struct.unpack(">H", ip[6:8])[0]
    fragment_offset = flags & 0x1FFF
    src, dst = str(ipaddress.IPv4Address(ip[12:16])), str(ipaddress.IPv4Address(ip[16:20]))
    base = dict(time=when, src=src, dst=dst, length=total, dont_fragment=bool(flags & 0x4000), direction=direction)
    if fragment_offset:
        return Packet(protocol=PROTOCOLS.get(ip[9], str(ip[9])), **base)
    return _transport(ip[9], ip[header:total], base)


def _ipv6(ip: bytes, when: float, direction) -> Packet:
    payload_length, next_header = struct.unpack(">H", ip[4:6])[0], ip[6]
    src, dst = str(ipaddress.IPv6Address(ip[8:24])), str(ipaddress.IPv6Address(ip[24:40]))
    body = ip[40:40 + payload_length]
    while next_header in IPV6_EXTENSIONS:
        next_header, body = body[0], body[(body[1] + 1) * 8:]
    base = dict(time=when, src=src, dst=dst, length=40 + payload_length, dont_fragment=True, direction=direction)
    return _transport(next_header, body, base)


def _transport(number: int, body: bytes, base: dict) -> Packet:
    protocol = PROTOCOLS.get(number, str(number))
    if protocol == "TCP":
        sport, dport, seq, ack, offset_flags = struct.unpack(">HHIIH", body[:14])
        flags = "".join(letter for bit, letter in TCP_FLAGS if offset_flags & bit)
        payload = max(0, len(body) - (offset_flags >> 12) * 4) if body else 0
        return Packet(protocol=protocol, sport=sport, dport=dport, flags=flags, seq=seq, ack=ack,
                      payload=_tcp_payload(base, offset_flags, payload), **base)
    if protocol == "UDP":
        sport, dport, length = struct.unpack(">HHH", body[:6])
        dns = _dns(body[8:]) if sport in DNS_PORTS or dport in DNS_PORTS else None
        return Packet(protocol=protocol, sport=sport, dport=dport, payload=max(0, length - 8), dns=dns, **base)
    if protocol in ("ICMP", "ICMPv6"):
        return Packet(protocol=protocol, icmp=(body[0], body[1]), inner=_quoted(protocol, body[8:]), **base)
    return Packet(protocol=protocol, **base)


def _tcp_payload(base: dict, offset_flags: int, captured: int) -> int:
    """Payload from the IP length (tcpdump may have kept only the first bytes of each packet)."""
    header = (offset_flags >> 12) * 4
    ip_header = 20 if ":" not in base["src"] else 40
    return max(0, base["length"] - ip_header - header) if base["length"] else captured


def _quoted(protocol: str, quoted: bytes) -> tuple | None:
    """The IP header + first 8 bytes of the packet an ICMP error is about: (protocol, src, sport, dst, dport)."""
    try:
        if protocol == "ICMP":
            start, number = (quoted[0] & 0x0F) * 4, quoted[9]
            src, dst = str(ipaddress.IPv4Address(quoted[12:16])), str(ipaddress.IPv4Address(quoted[16:20]))
        else:
            start, number = 40, quoted[6]
            src, dst = str(ipaddress.IPv6Address(quoted[8:24])), str(ipaddress.IPv6Address(quoted[24:40]))
        sport, dport = struct.unpack(">HH", quoted[start:start + 4])
    except (struct.error, IndexError, ValueError):
        return None
    return PROTOCOLS.get(number, str(number)), src, sport, dst, dport


def _dns(message: bytes) -> DnsMessage | None:
    if len(message) < 12:
        return None
    ident, flags, questions, answers = struct.unpack(">HHHH", message[:8])
    return DnsMessage(ident, bool(flags & 0x8000), flags & 0x000F, _qname(message) if questions else "", answers)


def _qname(message: bytes) -> str:
    labels, offset = [], 12
    while offset < len(message) and message[offset] and len(labels) < 128:
        size = message[offset]
        if size & 0xC0:
            break  # a compression pointer cannot appear in the first question
        labels.append(message[offset + 1:offset + 1 + size].decode("ascii", "replace"))
        offset += 1 + size
    return ".".join(labels)
