"""One captured packet as plain data: what the capture reader gives and the capture diagnosis reads."""
from dataclasses import dataclass

OUTGOING, INCOMING = "out", "in"  # seen leaving or entering the capturing host (Linux cooked captures)


@dataclass(frozen=True)
class DnsMessage:
    id: int
    response: bool
    rcode: int  # 0 NOERROR, 2 SERVFAIL, 3 NXDOMAIN, ...
    qname: str
    answers: int


@dataclass(frozen=True)
class Packet:
    time: float  # seconds since the epoch
    src: str
    dst: str
    protocol: str  # TCP | UDP | ICMP | ICMPv6 | a number
    length: int  # bytes on the wire from the IP header on
    sport: int | None = None
    dport: int | None = None
    flags: str = ""  # TCP: S, SA, A, PA, FA, R, RA ... (letters of FSRPAU in that order)
    seq: int | None = None
    ack: int | None = None
    payload: int = 0  # TCP/UDP payload bytes
    dont_fragment: bool = False
    direction: str | None = None  # OUTGOING / INCOMING when the link type says so
    icmp: tuple | None = None  # (type, code)
    inner: tuple | None = None  # ICMP errors: (protocol, src, sport, dst, dport) of the packet it is about
    dns: DnsMessage | None = None

    @property
    def syn(self) -> bool:
        return "S" in self.flags and "A" not in self.flags

    @property
    def syn_ack(self) -> bool:
        return "S" in self.flags and "A" in self.flags

    @property
    def reset(self) -> bool:
        return "R" in self.flags

    def to_dict(self) -> dict:
        data = {"time": round(self.time, 6), "src": self.src, "dst": self.dst, "protocol": self.protocol,
                "length": self.length}
        for key in ("sport", "dport", "seq", "ack", "direction", "icmp", "inner"):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        if self.flags:
            data["flags"] = self.flags
        if self.dns:
            data["dns"] = {"id": self.dns.id, "response": self.dns.response, "rcode": self.dns.rcode,
                           "qname": self.dns.qname, "answers": self.dns.answers}
        return data
