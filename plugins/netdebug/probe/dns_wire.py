"""DNS messages on the wire (RFC 1035), just what the authority check needs: a query, and the answer's
rcode, AA flag, A/AAAA addresses, CNAME targets and NS names. Pure: bytes in, values out; bad input raises ValueError."""
import ipaddress
import struct
from dataclasses import dataclass, field

TYPES = {"A": 1, "NS": 2, "CNAME": 5, "AAAA": 28}
RCODES = {0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 4: "NOTIMP", 5: "REFUSED"}


@dataclass
class Answer:
    rcode: str
    authoritative: bool
    addresses: list[str] = field(default_factory=list)
    name_servers: list[str] = field(default_factory=list)  # NS names in the answer section
    aliases: list[str] = field(default_factory=list)  # CNAME targets in the answer section


def query(ident: int, name: str, qtype: str, recursion: bool) -> bytes:
    flags = 0x0100 if recursion else 0
    labels = b"".join(bytes([len(part)]) + part.encode("idna") for part in name.rstrip(".").split(".") if part)
    return struct.pack("!HHHHHH", ident, flags, 1, 0, 0, 0) + labels + b"\0" + struct.pack("!HH", TYPES[qtype], 1)


def parse(message: bytes, ident: int) -> Answer:
    if len(message) < 12:
        raise ValueError("DNS answer shorter than its header")
    got, flags, questions, answers, authority, _ = struct.unpack("!HHHHHH", message[:12])
    if got != ident:
        raise ValueError("DNS answer for another query")
    found = Answer(RCODES.get(flags & 0xF, str(flags & 0xF)), bool(flags & 0x0400))
    offset = 12
    for _ in range(questions):
        offset = _name(message, offset)[1] + 4
    for index in range(answers + authority):
        offset = _record(message, offset, found, index < answers)
    return found


def _record(message: bytes, offset: int, found: Answer, in_answer: bool) -> int:
    offset = _name(message, offset)[1]
    if offset + 10 > len(message):
        raise ValueError("truncated DNS record")
    kind, _, _, length = struct.unpack("!HHIH", message[offset:offset + 10])
    data = offset + 10
    if not in_answer:
        return data + length  # the authority section (SOA of a negative answer) is not needed
    if kind == TYPES["A"] and length == 4:
        found.addresses.append(str(ipaddress.IPv4Address(message[data:data + 4])))
    elif kind == TYPES["AAAA"] and length == 16:
        found.addresses.append(str(ipaddress.IPv6Address(message[data:data + 16])))
    elif kind == TYPES["NS"]:
        found.name_servers.append(_name(message, data)[0])
    elif kind == TYPES["CNAME"]:
        found.aliases.append(_name(message, data)[0])
    return data + length


def _name(message: bytes, offset: int, depth: int = 0) -> tuple[str, int]:
    """(the name at offset, the offset after it), following compression pointers."""
    labels = []
    while True:
        if offset >= len(message) or depth > 20:
            raise ValueError("bad DNS name")
        length = message[offset]
        if length & 0xC0 == 0xC0:
            if offset + 2 > len(message):
                raise ValueError("bad DNS name")
            pointer = struct.unpack("!H", message[offset:offset + 2])[0] & 0x3FFF
            labels.append(_name(message, pointer, depth + 1)[0])
            return ".".join(filter(None, labels)), offset + 2
        if length == 0:
            return ".".join(labels), offset + 1
        if offset + 1 + length > len(message):
            raise ValueError("bad DNS name")
        labels.append(message[offset + 1:offset + 1 + length].decode("ascii", "replace"))
        offset += 1 + length
