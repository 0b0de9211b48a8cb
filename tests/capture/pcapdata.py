"""Build pcap bytes by hand (no capture library): frames for the reader and the diagnosis tests."""
import ipaddress
import struct


def ipv4(src, dst, protocol, body, df=True):
    header = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(body), 1, 0x4000 if df else 0, 64, protocol, 0,
                         ipaddress.IPv4Address(src).packed, ipaddress.IPv4Address(dst).packed)
    return header + body


def ipv6(src, dst, next_header, body):
    return struct.pack(">IHBB16s16s", 6 << 28, len(body), next_header, 64, ipaddress.IPv6Address(src).packed,
                       ipaddress.IPv6Address(dst).packed) + body


def tcp(sport, dport, flags, seq=1, ack=0, payload=b""):
    bits = sum(bit for bit, letter in ((0x02, "S"), (0x01, "F"), (0x04, "R"), (0x08, "P"), (0x10, "A")) if letter in flags)
    return struct.pack(">HHIIHHHH", sport, dport, seq, ack, (5 << 12) | bits, 65535, 0, 0) + payload


def udp(sport, dport, payload=b""):
    return struct.pack(">HHHH", sport, dport, 8 + len(payload), 0) + payload


def dns_query(ident, name, response=False, rcode=0, answers=0):
    flags = (0x8000 if response else 0) | 0x0100 | rcode
    labels = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"
    return struct.pack(">HHHHHH", ident, flags, 1, answers, 0, 0) + labels + struct.pack(">HH", 1, 1)


def icmp(kind, code, quoted):
    return struct.pack(">BBHI", kind, code, 0, 0) + quoted[:28]


def ethernet(ip, vlan=False):
    ethertype = 0x86DD if ip[0] >> 4 == 6 else 0x0800
    tag = struct.pack(">HH", 0x8100, 7) if vlan else b""
    return b"\x02" * 6 + b"\x04" * 6 + tag + struct.pack(">H", ethertype) + ip


def sll2(ip, outgoing):
    ethertype = 0x86DD if ip[0] >> 4 == 6 else 0x0800
    return struct.pack(">HHIHBB8s", ethertype, 0, 2, 1, 4 if outgoing else 0, 6, b"\x02" * 8) + ip


def sll(ip, outgoing):
    return struct.pack(">HHH8sH", 4 if outgoing else 0, 1, 6, b"\x02" * 8, 0x0800) + ip


def pcap(linktype, frames, big_endian=False, nano=False, start=1700000000.0):
    order = ">" if big_endian else "<"
    magic = 0xA1B23C4D if nano else 0xA1B2C3D4
    data = struct.pack(order + "IHHiIII", magic, 2, 4, 0, 0, 262144, linktype)
    for index, frame in enumerate(frames):
        when = start + index * 0.001
        fraction = int(round((when % 1) * (1e9 if nano else 1e6)))
        data += struct.pack(order + "IIII", int(when), fraction, len(frame), len(frame)) + frame
    return data
